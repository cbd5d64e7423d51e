#!/usr/bin/env python3
"""weftpeer: the Python asyncio peer of the Weft Lab.

Each workload does the work of the Lab's Weft version (src/Weft.Lab/Workloads/*.cs) with coroutines and tasks on
one asyncio event loop (one thread), and prints lines the Lab parses:

    result <workload> <figure> <value> <unit>
    check <workload> <name> <value>
    error <message>

Usage: python3 weftpeer.py <workload> <size> [<warm-up size> [<measured runs>]]. Like the Lab's own models it runs
the workload once at the warm-up size without reporting (none when 0), then the measured runs, each printing its
result lines; the Lab reports the median run. Needs nothing but python3 (3.8 or later).

asyncio has no channels: the idiomatic stand-in is asyncio.Queue (bounded with maxsize, closed here with one
sentinel per consumer since Queue has no close before 3.13). A Queue of size 1 is the nearest to a rendezvous.
"""
import asyncio
import gc
import sys
import time

now = time.perf_counter  # seconds


def result(w, fig, v, unit):
    print(f"result {w} {fig} {v:.3f} {unit}", flush=True)


def check(w, name, v):
    print(f"check {w} {name} {v}", flush=True)


def proc_status():
    """(threads, resident bytes) of this process, from /proc/self/status."""
    threads, rss = 0, 0
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    threads = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return threads, rss


async def spawn(n, report):
    """n tasks park on one Event; setting it releases them. bytes_per_unit: resident growth after a GC / n."""
    gate = asyncio.Event()
    parked = done = 0

    async def unit():
        nonlocal parked, done
        parked += 1
        await gate.wait()
        done += 1

    gc.collect()
    rss0 = proc_status()[1]
    t0 = now()
    tasks = [asyncio.create_task(unit()) for _ in range(n)]
    while parked < n:  # tasks start when the loop runs them
        await asyncio.sleep(0)
    el = now() - t0
    gc.collect()
    rss1 = proc_status()[1]
    gate.set()
    await asyncio.gather(*tasks)
    if done != n:
        print(f"error spawn: {done} released, expected {n}")
    if report:
        result("spawn", "bytes_per_unit", (rss1 - rss0) / n, "bytes")
        result("spawn", "ns_per_spawn", el * 1e9 / n, "ns")


async def skynet_node(out, num, size):
    if size == 1:
        await out.put(num)
        return
    rc = asyncio.Queue()  # the parent's mailbox: asyncio has no unbuffered channel
    sub = size // 10
    for i in range(10):
        asyncio.create_task(skynet_node(rc, num + i * sub, sub))
    total = 0
    for _ in range(10):
        total += await rc.get()
    await out.put(total)


async def skynet(n, report):
    t0 = now()
    out = asyncio.Queue()
    asyncio.create_task(skynet_node(out, 0, n))
    total = await out.get()
    el = now() - t0
    if report:
        result("skynet", "ms", el * 1e3, "ms")
        check("skynet", "sum", total)


async def skynet_await_node(num, size):
    if size == 1:
        return num
    sub = size // 10
    children = [asyncio.create_task(skynet_await_node(num + i * sub, sub)) for i in range(10)]
    total = 0
    for c in children:
        total += await c
    return total


async def skynet_await(n, report):
    t0 = now()
    total = await skynet_await_node(0, n)
    if report:
        result("skynet-await", "ms", (now() - t0) * 1e3, "ms")
        check("skynet-await", "sum", total)


async def pingpong(n, report):
    ping, pong = asyncio.Queue(1), asyncio.Queue(1)

    async def echo():
        for _ in range(n):
            await pong.put(await ping.get() + 1)

    e = asyncio.create_task(echo())
    t0 = now()
    total = 0
    for i in range(n):
        await ping.put(i)
        total += await pong.get()
    el = now() - t0
    await e
    if report:
        result("pingpong", "ns_per_roundtrip", el * 1e9 / n, "ns")
        check("pingpong", "sum", total)


async def prodcons(items, report):
    units, per = 4, items // 4
    ch = asyncio.Queue(1024)
    producing = units
    totals = []

    async def producer(start):
        nonlocal producing
        for v in range(start, start + per):
            await ch.put(v)
        producing -= 1
        if producing == 0:
            for _ in range(units):
                await ch.put(None)  # close: one sentinel per consumer

    async def consumer():
        s = 0
        while (v := await ch.get()) is not None:
            s += v
        totals.append(s)

    t0 = now()
    await asyncio.gather(*[producer(p * per) for p in range(units)], *[consumer() for _ in range(units)])
    el = now() - t0
    if report:
        result("prodcons", "ns_per_item", el * 1e9 / items, "ns")
        check("prodcons", "sum", sum(totals))


def spin(end):
    n = 0
    while now() < end:
        n += 1
    return n


async def hog(ms, report):
    """4 tasks spin on the clock; the sleeper sleeps 1 ms in a loop. One thread: a hog runs until its window ends."""
    end = now() + ms / 1e3

    async def hog_task():
        spin(end)

    hogs = [asyncio.create_task(hog_task()) for _ in range(4)]
    worst = total = 0.0
    count = 0
    while now() < end:
        t0 = now()
        await asyncio.sleep(0.001)
        late = max(0.0, (now() - t0) * 1e3 - 1)
        worst, total, count = max(worst, late), total + late, count + 1
    await asyncio.gather(*hogs)
    if report:
        result("hog", "worst_late_ms", worst, "ms")
        result("hog", "mean_late_ms", total / count if count else 0.0, "ms")


async def sleeper_until(end):
    t0, n = now(), 0
    while now() < end:
        await asyncio.sleep(0.001)
        n += 1
    return n / (now() - t0)


async def sleep_rate(ms, report):
    rate = await sleeper_until(now() + ms / 1e3)
    if report:
        result("sleep", "wakeups_per_s", rate, "1/s")


async def blocking(ms, report):
    """The sleeper alone, then beside 100 tasks whose blocking call (time.sleep(0.05)) goes where asyncio says
    blocking calls go: loop.run_in_executor, the default thread pool (min(32, cores + 4) threads)."""
    loop = asyncio.get_running_loop()
    alone = await sleeper_until(now() + ms / 1e3)
    peak = proc_status()[0]
    end = now() + ms / 1e3

    async def blocker():
        nonlocal peak
        while now() < end:
            await loop.run_in_executor(None, time.sleep, 0.05)
            peak = max(peak, proc_status()[0])

    blockers = [asyncio.create_task(blocker()) for _ in range(100)]
    beside = await sleeper_until(end)
    await asyncio.gather(*blockers)
    if report:
        result("blocking", "ratio", beside / alone, "x")
        result("blocking", "threads", peak, "threads")


async def yield_bench(n, report):
    per = n // 4

    async def unit():
        for _ in range(per):
            await asyncio.sleep(0)  # asyncio's yield

    t0 = now()
    await asyncio.gather(*[unit() for _ in range(4)])
    if report:
        result("yield", "ns_per_yield", (now() - t0) * 1e9 / (per * 4), "ns")


MASK = 0xFFFFFFFFFFFFFFFF


def mix(iterations):
    """The same xorshift mixing as the Lab's CpuWork, on 64-bit values masked to 64 bits."""
    x = 0x9E3779B97F4A7C15
    for _ in range(iterations):
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
    return x


iterations_per_ms = 0


def calibrate():
    global iterations_per_ms
    probe = 20000
    mix(probe)
    best = min(_timed_mix(probe) for _ in range(7))
    iterations_per_ms = max(1, int(probe / (best * 1e3)))


def _timed_mix(k):
    t0 = now()
    mix(k)
    return now() - t0


async def c10k(n, report):
    if not iterations_per_ms:
        calibrate()
    lat = [0.0] * n
    threads0, rss0 = proc_status()
    peak_threads, peak_rss = threads0, rss0
    t0 = now()

    async def request(i):
        nonlocal peak_threads, peak_rss
        await asyncio.sleep(0.01)
        mix(iterations_per_ms)
        lat[i] = (now() - t0) * 1e3
        if i % 64 == 0:
            th, rss = proc_status()
            peak_threads, peak_rss = max(peak_threads, th), max(peak_rss, rss)

    await asyncio.gather(*[request(i) for i in range(n)])
    el = now() - t0
    if not report:
        return
    lat.sort()
    pct = lambda p: lat[min(n - 1, max(0, -(-p * n // 100) - 1))]
    rate = n / el
    import os
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    result("c10k", "req_per_s", rate, "req/s")
    result("c10k", "cpu_limit_pct", 100 * rate / (cores * 1000), "%")
    result("c10k", "p50_ms", pct(50), "ms")
    result("c10k", "p99_ms", pct(99), "ms")
    result("c10k", "peak_mb", (peak_rss - rss0) / 1048576, "MB")
    result("c10k", "threads", peak_threads, "threads")


WORKLOADS = {
    "spawn": spawn,
    "skynet": skynet,
    "skynet-await": skynet_await,
    "pingpong": pingpong,
    "prodcons": lambda n, r: prodcons(n // 4 * 4, r),
    "hog": hog,
    "blocking": blocking,
    "sleep": sleep_rate,
    "yield": yield_bench,
    "c10k": c10k,
}


async def main(argv):
    if len(argv) < 2:
        print("error usage: python3 weftpeer.py <workload> <size> [<warm-up size> [<measured runs>]]")
        return 2
    try:
        n = int(argv[1])
        warm = int(argv[2]) if len(argv) > 2 else 0
        runs = int(argv[3]) if len(argv) > 3 else 1
    except ValueError:
        print(f"error bad arguments {argv[1:]}")
        return 2
    bench = WORKLOADS.get(argv[0])
    if bench is None:
        print(f"error unknown workload {argv[0]}")
        return 2
    if n <= 0 or warm < 0 or runs <= 0:
        print(f"error bad arguments {argv[1:]}")
        return 2
    if warm > 0:
        await bench(warm, False)
    for _ in range(runs):
        await bench(n, True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv[1:])))
    except Exception as e:  # noqa: BLE001 - the Lab turns an error line into a failed run
        print(f"error {type(e).__name__}: {e}".replace("\n", " "))
        sys.exit(1)
