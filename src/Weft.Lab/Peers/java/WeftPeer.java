// WeftPeer: the Java peer of the Weft Lab. OpenJDK 17 has no virtual threads (they need 21), so this program measures
// what Java 17 offers: platform threads with java.util.concurrent queues, and CompletableFuture on the fork-join
// common pool. Each workload does the work of the Lab's Weft version (src/Weft.Lab/Workloads/*.cs) and prints lines
// the Lab parses:
//   result <workload> <figure> <value> <unit>
//   check <workload> <name> <value>
//   error <message>
// Usage: java -cp <dir> WeftPeer <workload> <size> [<warm-up size> [<measured runs>]]. Like the Lab's own models it
// runs the workload once at the warm-up size without reporting (none when 0; it is what lets the JIT compile the hot
// paths), then the measured runs, each printing its result lines; the Lab reports the median run.
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class WeftPeer {
    /** The most platform threads started at once, as the Lab's own threads model. */
    static final int THREAD_CAP = 10_000;

    /**
     * The pool CompletableFutures run on: a fork-join pool with one worker per core. (The common pool has cores − 1
     * workers, and with fewer than 2 CompletableFuture's default executor starts a new thread per task — on this
     * 2-core machine that would measure thread creation, not the pool.)
     */
    static final java.util.concurrent.ForkJoinPool POOL = new java.util.concurrent.ForkJoinPool(Runtime.getRuntime().availableProcessors());

    interface Bench { void run(long n, boolean report) throws Exception; }

    public static void main(String[] args) {
        try {
            if (args.length < 2) { System.out.println("error usage: WeftPeer <workload> <size> [<warm-up size> [<measured runs>]]"); System.exit(2); }
            long n = Long.parseLong(args[1]);
            long warm = args.length > 2 ? Long.parseLong(args[2]) : 0;
            long runs = args.length > 3 ? Long.parseLong(args[3]) : 1;
            Bench bench = switch (args[0]) {
                case "spawn" -> WeftPeer::spawn;
                case "skynet-await" -> WeftPeer::skynetAwait;
                case "pingpong" -> WeftPeer::pingpong;
                case "prodcons" -> (k, r) -> prodcons(k / 4 * 4, r);
                case "hog" -> WeftPeer::hog;
                case "blocking" -> WeftPeer::blocking;
                case "sleep" -> (k, r) -> { double rate = sleeperUntil(System.nanoTime() + k * 1_000_000); if (r) result("sleep", "wakeups_per_s", rate, "1/s"); };
                case "yield" -> WeftPeer::yieldBench;
                case "c10k" -> WeftPeer::c10k;
                default -> null;
            };
            if (bench == null) { System.out.println("error unknown workload " + args[0]); System.exit(2); }
            if (n <= 0 || warm < 0 || runs <= 0) { System.out.println("error bad arguments " + Arrays.toString(args)); System.exit(2); }
            if (warm > 0) bench.run(warm, false);
            for (long i = 0; i < runs; i++) bench.run(n, true);
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            System.exit(1);
        }
    }

    static void result(String w, String fig, double v, String unit) {
        System.out.println("result " + w + " " + fig + " " + String.format(Locale.ROOT, "%.3f", v) + " " + unit);
    }

    static void check(String w, String name, long v) { System.out.println("check " + w + " " + name + " " + v); }

    /** Threads and resident bytes of this process, from /proc/self/status. */
    static long[] procStatus() {
        long threads = 0, rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Threads:")) threads = Long.parseLong(line.substring(8).trim());
                else if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            rss = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        }
        return new long[] { threads, rss };
    }

    /** spawn: platform threads (capped) park on one latch; bytes_per_unit is resident growth ÷ threads. */
    static void spawn(long size, boolean report) throws InterruptedException {
        int n = (int) Math.min(size, THREAD_CAP);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger parked = new AtomicInteger();
        Thread[] threads = new Thread[n];
        System.gc();
        long rss0 = procStatus()[1];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            threads[i] = new Thread(() -> {
                parked.incrementAndGet();
                try { gate.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            });
            threads[i].start();
        }
        while (parked.get() < n) Thread.sleep(1);
        long el = System.nanoTime() - t0;
        System.gc();
        long rss1 = procStatus()[1];
        gate.countDown();
        for (Thread t : threads) t.join();
        if (report) {
            result("spawn", "bytes_per_unit", (rss1 - rss0) / (double) n, "bytes");
            result("spawn", "ns_per_spawn", el / (double) n, "ns");
        }
    }

    /** skynet-await: each parent starts its 10 children with supplyAsync on the pool and combines their results. */
    static CompletableFuture<Long> node(long num, long size) {
        if (size == 1) return CompletableFuture.completedFuture(num);
        long sub = size / 10;
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] children = new CompletableFuture[10];
        for (int i = 0; i < 10; i++) {
            long child = num + i * sub;
            children[i] = CompletableFuture.supplyAsync(() -> node(child, sub), POOL).thenCompose(f -> f);
        }
        return CompletableFuture.allOf(children).thenApply(v -> {
            long sum = 0;
            for (CompletableFuture<Long> c : children) sum += c.join();
            return sum;
        });
    }

    static void skynetAwait(long n, boolean report) {
        long t0 = System.nanoTime();
        long sum = node(0, n).join();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (report) { result("skynet-await", "ms", ms, "ms"); check("skynet-await", "sum", sum); }
    }

    /** pingpong: two platform threads and two SynchronousQueues (rendezvous). */
    static void pingpong(long size, boolean report) throws InterruptedException {
        int n = (int) size;
        SynchronousQueue<Integer> ping = new SynchronousQueue<>(), pong = new SynchronousQueue<>();
        Thread echo = new Thread(() -> {
            try { for (int i = 0; i < n; i++) pong.put(ping.take() + 1); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        });
        echo.start();
        long t0 = System.nanoTime();
        long sum = 0;
        for (int i = 0; i < n; i++) { ping.put(i); sum += pong.take(); }
        long el = System.nanoTime() - t0;
        echo.join();
        if (report) { result("pingpong", "ns_per_roundtrip", el / (double) n, "ns"); check("pingpong", "sum", sum); }
    }

    /** prodcons: 4 producer and 4 consumer platform threads, an ArrayBlockingQueue of 1024, one end marker per consumer. */
    static void prodcons(long items, boolean report) throws InterruptedException {
        final long end = Long.MIN_VALUE;
        long per = items / 4;
        ArrayBlockingQueue<Long> ch = new ArrayBlockingQueue<>(1024);
        AtomicInteger producing = new AtomicInteger(4);
        AtomicLong total = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            long from = p * per;
            threads.add(new Thread(() -> {
                try {
                    for (long v = from; v < from + per; v++) ch.put(v);
                    if (producing.decrementAndGet() == 0) for (int c = 0; c < 4; c++) ch.put(end);
                } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }));
        }
        for (int c = 0; c < 4; c++) {
            threads.add(new Thread(() -> {
                long sum = 0;
                try { for (long v; (v = ch.take()) != end; ) sum += v; } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                total.addAndGet(sum);
            }));
        }
        long t0 = System.nanoTime();
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        long el = System.nanoTime() - t0;
        if (report) { result("prodcons", "ns_per_item", el / (double) items, "ns"); check("prodcons", "sum", total.get()); }
    }

    /** hog: 4 platform threads spin on the clock; the sleeper thread sleeps 1 ms in a loop. The OS preempts. */
    static void hog(long ms, boolean report) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        Thread[] hogs = new Thread[4];
        for (int i = 0; i < 4; i++) {
            hogs[i] = new Thread(() -> { long k = 0; while (System.nanoTime() < end) k++; });
            hogs[i].start();
        }
        double worst = 0, sum = 0;
        int count = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            Thread.sleep(1);
            double late = Math.max(0, (System.nanoTime() - t0) / 1e6 - 1);
            worst = Math.max(worst, late);
            sum += late;
            count++;
        }
        for (Thread t : hogs) t.join();
        if (report) {
            result("hog", "worst_late_ms", worst, "ms");
            result("hog", "mean_late_ms", count == 0 ? 0 : sum / count, "ms");
        }
    }

    static double sleeperUntil(long endNanos) throws InterruptedException {
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < endNanos) { Thread.sleep(1); n++; }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * blocking: the sleeper alone, then beside 100 platform threads in Thread.sleep(50) loops; the second window starts
     * once every blocker is started (starting 100 threads takes a while), as in the Lab.
     */
    static void blocking(long ms, boolean report) throws InterruptedException {
        double alone = sleeperUntil(System.nanoTime() + ms * 1_000_000);
        AtomicLong end = new AtomicLong(Long.MAX_VALUE);
        Thread[] blockers = new Thread[100];
        for (int i = 0; i < 100; i++) {
            blockers[i] = new Thread(() -> {
                try { while (System.nanoTime() < end.get()) Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            });
            blockers[i].start();
        }
        long peak = procStatus()[0];
        end.set(System.nanoTime() + ms * 1_000_000);
        double beside = sleeperUntil(end.get());
        peak = Math.max(peak, procStatus()[0]);
        for (Thread t : blockers) t.join();
        if (report) { result("blocking", "ratio", beside / alone, "x"); result("blocking", "threads", peak, "threads"); }
    }

    /** yield: 4 platform threads call Thread.yield() n/4 times each. */
    static void yieldBench(long n, boolean report) throws InterruptedException {
        long per = n / 4;
        Thread[] units = new Thread[4];
        long t0 = System.nanoTime();
        for (int u = 0; u < 4; u++) { units[u] = new Thread(() -> { for (long i = 0; i < per; i++) Thread.yield(); }); units[u].start(); }
        for (Thread t : units) t.join();
        if (report) result("yield", "ns_per_yield", (System.nanoTime() - t0) / (double) (per * 4), "ns");
    }

    /** The same xorshift mixing as the Lab's CpuWork, calibrated to about 1 ms here. */
    static long mix(long iterations) {
        long x = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < iterations; i++) { x ^= x << 13; x ^= x >>> 7; x ^= x << 17; }
        return x;
    }

    static long iterationsPerMs;
    static volatile long sink;

    static void calibrate() {
        long probe = 200_000;
        for (int i = 0; i < 20; i++) sink += mix(probe); // let the JIT compile it
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 7; i++) { long t0 = System.nanoTime(); sink += mix(probe); best = Math.min(best, (System.nanoTime() - t0) / 1e6); }
        iterationsPerMs = Math.max(1, (long) (probe / best));
    }

    /** c10k: a CompletableFuture per request, delayed 10 ms by delayedExecutor, then 1 ms of work on the pool. */
    static void c10k(long size, boolean report) {
        if (iterationsPerMs == 0) calibrate();
        int n = (int) size;
        double[] lat = new double[n];
        long[] base = procStatus();
        long[] peak = base.clone();
        long t0 = System.nanoTime();
        var delayed = CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS, POOL);
        CompletableFuture<?>[] reqs = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            reqs[i] = CompletableFuture.runAsync(() -> {
                sink += mix(iterationsPerMs);
                lat[id] = (System.nanoTime() - t0) / 1e6;
                if ((id & 63) == 0) { long[] s = procStatus(); synchronized (peak) { peak[0] = Math.max(peak[0], s[0]); peak[1] = Math.max(peak[1], s[1]); } }
            }, delayed);
        }
        CompletableFuture.allOf(reqs).join();
        double el = (System.nanoTime() - t0) / 1e9;
        if (!report) return;
        Arrays.sort(lat);
        double rate = n / el;
        int cores = Runtime.getRuntime().availableProcessors();
        result("c10k", "req_per_s", rate, "req/s");
        result("c10k", "cpu_limit_pct", 100 * rate / (cores * 1000.0), "%");
        result("c10k", "p50_ms", pct(lat, 50), "ms");
        result("c10k", "p99_ms", pct(lat, 99), "ms");
        result("c10k", "peak_mb", (peak[1] - base[1]) / 1048576.0, "MB");
        result("c10k", "threads", peak[0], "threads");
    }

    static double pct(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
