// weftpeer: the Rust (tokio) peer of the Weft Lab. Each workload does the work of the Lab's Weft version
// (src/Weft.Lab/Workloads/*.cs, mirrored by Peers/go/weftpeer.go) on tokio's multi-threaded runtime and prints its
// figures as lines the Lab parses:
//
//     result <workload> <figure> <value> <unit>
//     check <workload> <name> <value>
//     error <message>
//
// Built offline by the Lab with `cargo build --release` against Debian's crate registry (see .cargo/config.toml).

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot, watch, Mutex};

/// Counts heap bytes, but only while COUNTING is set (spawn, select), so the other workloads pay one shared load per
/// allocation and no contended counter. Rust has no GC heap statistics like Go's MemStats; this is the equivalent.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);
static TOTAL_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
            TOTAL_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Usage: weftpeer <workload> <size> [<warm-up size> [<measured runs>]]. Like the Lab's own models it runs the
/// workload once at the warm-up size without reporting (none when 0), then the measured runs, each printing its
/// result lines; the Lab reports the median run.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        println!("error usage: weftpeer <workload> <size> [<warm-up size> [<measured runs>]]");
        std::process::exit(2);
    }
    let arg = |i: usize, def: i64| args.get(i).map_or(Some(def), |s| s.parse::<i64>().ok());
    let (n, warm, runs) = match (arg(2, -1), arg(3, 0), arg(4, 1)) {
        (Some(n), Some(w), Some(r)) if n > 0 && w >= 0 && r > 0 => (n, w, r),
        _ => {
            println!("error bad arguments {:?}", &args[2..]);
            std::process::exit(2);
        }
    };
    let workload = args[1].as_str();
    if !WORKLOADS.contains(&workload) {
        println!("error unknown workload {}", workload);
        std::process::exit(2);
    }
    if warm > 0 {
        run(workload, warm, false);
    }
    for _ in 0..runs {
        run(workload, n, true);
    }
}

/// skynet-await: a parent spawns its div children as tasks and awaits their JoinHandles (no channels), the shape of
/// Weft's skynet-await (GoTask results) and Java's (CompletableFuture). Boxed because the future is recursive.
fn skynet_await_node(num: i64, size: i64, div: i64) -> Pin<Box<dyn Future<Output = i64> + Send>> {
    Box::pin(async move {
        if size == 1 {
            return num;
        }
        let sub = size / div;
        let children: Vec<_> = (0..div).map(|i| tokio::spawn(skynet_await_node(num + i * sub, sub, div))).collect();
        let mut sum = 0;
        for child in children {
            sum += child.await.expect("child result");
        }
        sum
    })
}

async fn skynet_await_run(n: i64, report: bool) {
    let t0 = Instant::now();
    let sum = tokio::spawn(skynet_await_node(0, n, 10)).await.expect("root result");
    let el = t0.elapsed();
    if report {
        result("skynet-await", "ms", ns(el) / 1e6, "ms");
        check("skynet-await", "sum", sum);
    }
}

const WORKLOADS: [&str; 11] =
    ["spawn", "skynet", "skynet-await", "pingpong", "prodcons", "select", "hog", "blocking", "sleep", "yield", "c10k"];

/// One run at size n. hog builds its own two-worker runtime (like GOMAXPROCS(2)); the rest run on the default
/// multi-threaded runtime (one worker per core). The body is spawned, so it runs on a worker like Go's main goroutine
/// on a P, not on the block_on thread outside the pool.
fn run(workload: &str, n: i64, report: bool) {
    if workload == "hog" {
        return hog(n, report);
    }
    let rt = runtime(None);
    let w = workload.to_string();
    rt.block_on(async move {
        let body: Pin<Box<dyn Future<Output = ()> + Send>> = match w.as_str() {
            "spawn" => Box::pin(spawn(n as usize, report)),
            "skynet" => Box::pin(skynet_run(n, report)),
            "skynet-await" => Box::pin(skynet_await_run(n, report)),
            "pingpong" => Box::pin(pingpong(n, report)),
            "prodcons" => Box::pin(prodcons(n / 4 * 4, report)),
            "select" => Box::pin(select_op(n, report)),
            "blocking" => Box::pin(blocking(n, report)),
            "sleep" => Box::pin(async move {
                let rate = sleep_rate(n).await;
                if report {
                    result("sleep", "wakeups_per_s", rate, "1/s");
                }
            }),
            "yield" => Box::pin(yield_op(n, report)),
            _ => Box::pin(c10k(n as usize, report)),
        };
        tokio::spawn(body).await.expect("workload panicked");
    });
}

fn runtime(workers: Option<usize>) -> Runtime {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    if let Some(w) = workers {
        b.worker_threads(w);
    }
    b.enable_time().build().expect("tokio runtime")
}

fn result(w: &str, fig: &str, v: f64, unit: &str) {
    println!("result {} {} {:.3} {}", w, fig, v, unit);
}

fn check(w: &str, name: &str, v: i64) {
    println!("check {} {} {}", w, name, v);
}

fn ns(d: Duration) -> f64 {
    d.as_nanos() as f64
}

/// spawn: n tasks park on one gate (a watch channel); one send releases them.
/// bytes_per_unit: growth of live heap bytes once all are parked, ÷ n (tokio's tasks live on the heap).
async fn spawn(n: usize, report: bool) {
    let (gate_tx, gate_rx) = watch::channel(false);
    let parked = Arc::new(AtomicI64::new(0));
    let mut handles = Vec::with_capacity(n);
    COUNTING.store(true, Ordering::SeqCst);
    let live0 = LIVE_BYTES.load(Ordering::SeqCst);
    let t0 = Instant::now();
    for _ in 0..n {
        let mut rx = gate_rx.clone();
        let parked = parked.clone();
        handles.push(tokio::spawn(async move {
            parked.fetch_add(1, Ordering::Relaxed);
            let _ = rx.changed().await;
        }));
    }
    let mut i = 0;
    while parked.load(Ordering::Relaxed) < n as i64 {
        if i < 20 {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(Duration::from_millis(1)).await; // poll without taking CPU from the tasks
        }
        i += 1;
    }
    let el = t0.elapsed();
    let grown = (LIVE_BYTES.load(Ordering::SeqCst) - live0) as f64;
    COUNTING.store(false, Ordering::SeqCst);
    gate_tx.send(true).expect("gate");
    for h in handles {
        h.await.expect("task");
    }
    if report {
        result("spawn", "bytes_per_unit", grown / n as f64, "bytes");
        result("spawn", "ns_per_spawn", ns(el) / n as f64, "ns");
    }
}

/// A node of the tree: a leaf sends its number, a parent spawns div children on one channel and sends their sum.
/// tokio has no unbuffered channel: mpsc with capacity 1 is the nearest. Boxed because the future is recursive.
fn skynet_node(out: mpsc::Sender<i64>, num: i64, size: i64, div: i64) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        if size == 1 {
            let _ = out.send(num).await;
            return;
        }
        let (tx, mut rx) = mpsc::channel(1);
        let sub = size / div;
        for i in 0..div {
            tokio::spawn(skynet_node(tx.clone(), num + i * sub, sub, div));
        }
        drop(tx);
        let mut sum = 0;
        for _ in 0..div {
            sum += rx.recv().await.expect("child result");
        }
        let _ = out.send(sum).await;
    })
}

async fn skynet_run(n: i64, report: bool) {
    let t0 = Instant::now();
    let (tx, mut rx) = mpsc::channel(1);
    tokio::spawn(skynet_node(tx, 0, n, 10));
    let sum = rx.recv().await.expect("root result");
    let el = t0.elapsed();
    if report {
        result("skynet", "ms", ns(el) / 1e6, "ms");
        check("skynet", "sum", sum);
    }
}

/// pingpong: two tasks bounce a value over two mpsc channels of capacity 1 (the nearest to unbuffered).
async fn pingpong(n: i64, report: bool) {
    let (ping_tx, mut ping_rx) = mpsc::channel::<i64>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<i64>(1);
    let echo = tokio::spawn(async move {
        for _ in 0..n {
            let v = ping_rx.recv().await.expect("ping");
            pong_tx.send(v + 1).await.expect("pong");
        }
    });
    let t0 = Instant::now();
    let mut sum = 0i64;
    for i in 0..n {
        ping_tx.send(i).await.expect("ping");
        sum += pong_rx.recv().await.expect("pong");
    }
    let el = t0.elapsed();
    echo.await.expect("echo");
    if report {
        result("pingpong", "ns_per_roundtrip", ns(el) / n as f64, "ns");
        check("pingpong", "sum", sum);
    }
}

/// prodcons: 4 producers, 4 consumers, buffer 1024. tokio's mpsc has one receiver, so the consumers share it behind
/// tokio's async Mutex (the usual tokio idiom for a work queue); the channel closes when the last producer drops its
/// sender.
async fn prodcons(items: i64, report: bool) {
    const UNITS: i64 = 4;
    let per = items / UNITS;
    let (tx, rx) = mpsc::channel::<i64>(1024);
    let rx = Arc::new(Mutex::new(rx));
    let t0 = Instant::now();
    for p in 0..UNITS {
        let tx = tx.clone();
        tokio::spawn(async move {
            for v in p * per..(p + 1) * per {
                tx.send(v).await.expect("send");
            }
        });
    }
    drop(tx);
    let mut consumers = Vec::new();
    for _ in 0..UNITS {
        let rx = rx.clone();
        consumers.push(tokio::spawn(async move {
            let mut sum = 0i64;
            while let Some(v) = rx.lock().await.recv().await {
                sum += v;
            }
            sum
        }));
    }
    let mut total = 0i64;
    for c in consumers {
        total += c.await.expect("consumer");
    }
    let el = t0.elapsed();
    if report {
        result("prodcons", "ns_per_item", ns(el) / items as f64, "ns");
        check("prodcons", "sum", total);
    }
}

/// select: tokio::select! over two ready channels of capacity 1, refilling the one taken with try_send (select! picks a ready
/// branch at random, like Go).
async fn select_op(n: i64, report: bool) {
    let (tx1, mut rx1) = mpsc::channel::<i64>(1);
    let (tx2, mut rx2) = mpsc::channel::<i64>(1);
    tx1.send(1).await.expect("c1");
    tx2.send(2).await.expect("c2");
    let (mut first, mut second) = (0i64, 0i64);
    COUNTING.store(true, Ordering::SeqCst);
    let total0 = TOTAL_BYTES.load(Ordering::SeqCst);
    let t0 = Instant::now();
    for _ in 0..n {
        tokio::select! {
            Some(v) = rx1.recv() => { first += v; tx1.try_send(1).expect("c1"); }
            Some(v) = rx2.recv() => { second += v / 2; tx2.try_send(2).expect("c2"); }
        }
    }
    let el = t0.elapsed();
    let allocated = (TOTAL_BYTES.load(Ordering::SeqCst) - total0) as f64;
    COUNTING.store(false, Ordering::SeqCst);
    if first + second != n {
        println!("error select: {} operations, expected {}", first + second, n);
    }
    if report {
        result("select", "ns_per_op", ns(el) / n as f64, "ns");
        result("select", "bytes_per_op", allocated / n as f64, "bytes");
    }
}

/// hog: 4 tasks spin on the clock on a 2-worker runtime; a task sleeps 1 ms in a loop and records its lateness.
/// tokio does not preempt a task that never awaits, so this shows what a hog does to its neighbours.
fn hog(ms: i64, report: bool) {
    let rt = runtime(Some(2));
    let (worst, mean) = rt.block_on(async move {
        tokio::spawn(async move {
            let end = Instant::now() + Duration::from_millis(ms as u64);
            let hogs: Vec<_> = (0..4)
                .map(|_| {
                    tokio::spawn(async move {
                        let mut n = 0u64;
                        while Instant::now() < end {
                            n += 1;
                        }
                        black_box(n);
                    })
                })
                .collect();
            let (mut worst, mut sum, mut count) = (0f64, 0f64, 0);
            while Instant::now() < end {
                let t0 = Instant::now();
                tokio::time::sleep(Duration::from_millis(1)).await;
                let late = (ns(t0.elapsed()) / 1e6 - 1.0).max(0.0);
                worst = worst.max(late);
                sum += late;
                count += 1;
            }
            for h in hogs {
                h.await.expect("hog");
            }
            (worst, if count > 0 { sum / count as f64 } else { 0.0 })
        })
        .await
        .expect("hog run")
    });
    if report {
        result("hog", "worst_late_ms", worst, "ms");
        result("hog", "mean_late_ms", mean, "ms");
    }
}

async fn sleeper_until(end: Instant) -> f64 {
    let t0 = Instant::now();
    let mut n = 0;
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(1)).await;
        n += 1;
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

async fn sleep_rate(ms: i64) -> f64 {
    sleeper_until(Instant::now() + Duration::from_millis(ms as u64)).await
}

/// A field of /proc/self/status (Threads, VmRSS in kB), 0 when unreadable.
fn proc_status(field: &str) -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l[field.len()..].trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Keeps the peak thread count and resident memory, like the Lab's Sampler: a task sampling every 5 ms.
struct Sampler {
    stop: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<(i64, i64)>,
    base_rss: i64,
}

impl Sampler {
    fn start() -> Sampler {
        let base_rss = proc_status("VmRSS:") * 1024;
        let (stop, mut stopped) = oneshot::channel::<()>();
        let done = tokio::spawn(async move {
            let (mut threads, mut rss) = (0i64, base_rss);
            loop {
                threads = threads.max(proc_status("Threads:"));
                rss = rss.max(proc_status("VmRSS:") * 1024);
                tokio::select! {
                    _ = &mut stopped => return (threads, rss),
                    _ = tokio::time::sleep(Duration::from_millis(5)) => {}
                }
            }
        });
        Sampler { stop, done, base_rss }
    }

    /// (peak threads, peak resident bytes above the start).
    async fn finish(self) -> (i64, i64) {
        let threads_now = proc_status("Threads:");
        let rss_now = proc_status("VmRSS:") * 1024;
        let _ = self.stop.send(());
        let (threads, rss) = self.done.await.expect("sampler");
        (threads.max(threads_now), rss.max(rss_now) - self.base_rss)
    }
}

/// blocking: the sleeper's rate alone, then beside 100 tasks each making 50 ms blocking calls (thread::sleep, a
/// nanosleep) where tokio says to put them: spawn_blocking, on its blocking-thread pool.
async fn blocking(ms: i64, report: bool) {
    let alone = sleep_rate(ms).await;
    let sampler = Sampler::start();
    let end = Instant::now() + Duration::from_millis(ms as u64);
    let blockers: Vec<_> = (0..100)
        .map(|_| {
            tokio::spawn(async move {
                while Instant::now() < end {
                    tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(50)))
                        .await
                        .expect("blocking call");
                }
            })
        })
        .collect();
    let beside = sleeper_until(end).await;
    for b in blockers {
        b.await.expect("blocker");
    }
    let (threads, _) = sampler.finish().await;
    if report {
        result("blocking", "ratio", beside / alone, "x");
        result("blocking", "threads", threads as f64, "threads");
    }
}

async fn yield_op(n: i64, report: bool) {
    const UNITS: i64 = 4;
    let per = n / UNITS;
    let t0 = Instant::now();
    let units: Vec<_> = (0..UNITS)
        .map(|_| {
            tokio::spawn(async move {
                for _ in 0..per {
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for u in units {
        u.await.expect("unit");
    }
    let el = t0.elapsed();
    if report {
        result("yield", "ns_per_yield", ns(el) / (per * UNITS) as f64, "ns");
    }
}

/// The same integer mixing as the Lab's CpuWork.
fn mix(iterations: i64) -> u64 {
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

static ITERATIONS_PER_MS: AtomicI64 = AtomicI64::new(0);
static SINK: AtomicU64 = AtomicU64::new(0);

/// Calibrates mix to about 1 ms here: the best of 7 probes, like the Go peer.
fn calibrate() -> i64 {
    let cached = ITERATIONS_PER_MS.load(Ordering::Relaxed);
    if cached > 0 {
        return cached;
    }
    const PROBE: i64 = 200_000;
    SINK.fetch_add(mix(black_box(PROBE)), Ordering::Relaxed);
    let mut best = Duration::from_secs(3600);
    for _ in 0..7 {
        let t0 = Instant::now();
        SINK.fetch_add(mix(black_box(PROBE)), Ordering::Relaxed);
        best = best.min(t0.elapsed());
    }
    let per_ms = (PROBE as f64 / (ns(best) / 1e6)) as i64;
    ITERATIONS_PER_MS.store(per_ms, Ordering::Relaxed);
    per_ms
}

/// c10k: n requests at once, each waiting 10 ms on a timer, then computing 1 ms on its worker.
async fn c10k(n: usize, report: bool) {
    let per_ms = calibrate();
    let sampler = Sampler::start();
    let t0 = Instant::now();
    let requests: Vec<_> = (0..n)
        .map(|_| {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                SINK.fetch_add(mix(black_box(per_ms)), Ordering::Relaxed);
                ns(t0.elapsed()) / 1e6
            })
        })
        .collect();
    let mut lat = Vec::with_capacity(n);
    for r in requests {
        lat.push(r.await.expect("request"));
    }
    let el = t0.elapsed();
    let (threads, peak_rss) = sampler.finish().await;
    if !report {
        return;
    }
    lat.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let rate = n as f64 / el.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    result("c10k", "req_per_s", rate, "req/s");
    result("c10k", "cpu_limit_pct", 100.0 * rate / (cores as f64 * 1000.0), "%");
    result("c10k", "p50_ms", pct(&lat, 50.0), "ms");
    result("c10k", "p99_ms", pct(&lat, 99.0), "ms");
    result("c10k", "peak_mb", peak_rss as f64 / 1048576.0, "MB");
    result("c10k", "threads", threads as f64, "threads");
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 * p / 100.0 + 0.999999) as i64 - 1).clamp(0, sorted.len() as i64 - 1);
    sorted[rank as usize]
}
