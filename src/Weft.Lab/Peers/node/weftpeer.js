// weftpeer: the Node.js peer of the Weft Lab. Each workload does the work of the Lab's Weft version
// (src/Weft.Lab/Workloads/*.cs) with async functions on Node's single event-loop thread, and prints lines the
// Lab parses:
//   result <workload> <figure> <value> <unit>
//   check <workload> <name> <value>
//   error <message>
// Usage: node --expose-gc weftpeer.js <workload> <size> [<warm-up size> [<runs>]]. Needs nothing but node (v18 or later).
'use strict';
const fs = require('fs');

function result(w, fig, v, unit) { console.log(`result ${w} ${fig} ${Number(v).toFixed(3)} ${unit}`); }
function check(w, name, v) { console.log(`check ${w} ${name} ${v}`); }
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const yieldNow = () => new Promise((r) => setImmediate(r));
const gc = () => { if (global.gc) { global.gc(); global.gc(); } };

// A Go-style channel for async functions: capacity 0 is a rendezvous (a send completes when a receiver takes the
// value), capacity n buffers n values. recv() resolves to the value, or to CLOSED once closed and drained.
const CLOSED = Symbol('closed');
class Chan {
  constructor(cap = 0) { this.cap = cap; this.buf = []; this.recvq = []; this.sendq = []; this.closed = false; }
  send(v) {
    if (this.closed) throw new Error('send on closed channel');
    if (this.recvq.length > 0) { this.recvq.shift()(v); return undefined; }
    if (this.buf.length < this.cap) { this.buf.push(v); return undefined; }
    return new Promise((resolve) => this.sendq.push({ v, resolve }));
  }
  tryRecv() {
    if (this.buf.length > 0) {
      const v = this.buf.shift();
      if (this.sendq.length > 0) { const s = this.sendq.shift(); this.buf.push(s.v); s.resolve(); }
      return { ok: true, v };
    }
    if (this.sendq.length > 0) { const s = this.sendq.shift(); s.resolve(); return { ok: true, v: s.v }; }
    return { ok: false };
  }
  recv() {
    const r = this.tryRecv();
    if (r.ok) return r.v;
    if (this.closed) return CLOSED;
    return new Promise((resolve) => this.recvq.push(resolve));
  }
  close() {
    this.closed = true;
    for (const r of this.recvq) r(CLOSED);
    this.recvq = [];
  }
}

function readStatus() {
  try {
    const s = fs.readFileSync('/proc/self/status', 'utf8');
    const th = /Threads:\s+(\d+)/.exec(s), rss = /VmRSS:\s+(\d+)/.exec(s);
    return { threads: th ? +th[1] : 0, rss: rss ? +rss[1] * 1024 : process.memoryUsage.rss() };
  } catch { return { threads: 0, rss: process.memoryUsage.rss() }; }
}

async function spawn(n, report) {
  let parked = 0, done = 0;
  let open;
  const gate = new Promise((r) => { open = r; });
  const unit = async () => { parked++; await gate; done++; };
  gc();
  const m0 = process.memoryUsage().heapUsed;
  const t0 = now();
  for (let i = 0; i < n; i++) unit();
  const el = now() - t0; // async functions run to their first await at once: all are parked here
  if (parked !== n) console.log(`error spawn: ${parked} parked, expected ${n}`);
  gc();
  const m1 = process.memoryUsage().heapUsed;
  open();
  while (done < n) await yieldNow();
  if (report) {
    result('spawn', 'bytes_per_unit', (m1 - m0) / n, 'bytes');
    result('spawn', 'ns_per_spawn', (el * 1e6) / n, 'ns');
  }
}

async function skynetNode(c, num, size) {
  if (size === 1) { await c.send(num); return; }
  const rc = new Chan();
  const sub = size / 10;
  for (let i = 0; i < 10; i++) skynetNode(rc, num + i * sub, sub);
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += await rc.recv();
  await c.send(sum);
}

async function skynet(n, report) {
  const t0 = now();
  const c = new Chan();
  skynetNode(c, 0, n);
  const sum = await c.recv();
  if (report) { result('skynet', 'ms', now() - t0, 'ms'); check('skynet', 'sum', sum); }
}

async function skynetAwaitNode(num, size) {
  if (size === 1) return num;
  const sub = size / 10;
  const children = new Array(10);
  for (let i = 0; i < 10; i++) children[i] = skynetAwaitNode(num + i * sub, sub);
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += await children[i];
  return sum;
}

async function skynetAwait(n, report) {
  const t0 = now();
  const sum = await skynetAwaitNode(0, n);
  if (report) { result('skynet-await', 'ms', now() - t0, 'ms'); check('skynet-await', 'sum', sum); }
}

async function pingpong(n, report) {
  const ping = new Chan(), pong = new Chan();
  const echo = (async () => { for (let i = 0; i < n; i++) await pong.send((await ping.recv()) + 1); })();
  const t0 = now();
  let sum = 0;
  for (let i = 0; i < n; i++) { await ping.send(i); sum += await pong.recv(); }
  const el = now() - t0;
  await echo;
  if (report) { result('pingpong', 'ns_per_roundtrip', (el * 1e6) / n, 'ns'); check('pingpong', 'sum', sum); }
}

async function prodcons(items, report) {
  const per = items / 4;
  const ch = new Chan(1024);
  let producing = 4, total = 0;
  const t0 = now();
  const units = [];
  for (let p = 0; p < 4; p++) {
    const from = p * per;
    units.push((async () => {
      for (let v = from; v < from + per; v++) await ch.send(v);
      if (--producing === 0) ch.close();
    })());
  }
  for (let c = 0; c < 4; c++) {
    units.push((async () => {
      let sum = 0;
      for (;;) { const v = await ch.recv(); if (v === CLOSED) break; sum += v; }
      total += sum;
    })());
  }
  await Promise.all(units);
  const el = now() - t0;
  if (report) { result('prodcons', 'ns_per_item', (el * 1e6) / items, 'ns'); check('prodcons', 'sum', total); }
}

// A two-way receive select: a non-blocking pass in random order, then wait for whichever becomes ready.
async function select2(a, b) {
  for (;;) {
    const aFirst = Math.random() < 0.5;
    const x = aFirst ? a : b, y = aFirst ? b : a;
    let r = x.tryRecv(); if (r.ok) return [x === a ? 0 : 1, r.v];
    r = y.tryRecv(); if (r.ok) return [y === a ? 0 : 1, r.v];
    await Promise.race([new Promise((res) => a.recvq.push((v) => { a.buf.unshift(v); res(); })),
                        new Promise((res) => b.recvq.push((v) => { b.buf.unshift(v); res(); }))]);
  }
}

async function selectOp(n, report) {
  const c1 = new Chan(1), c2 = new Chan(1);
  c1.send(1); c2.send(2);
  let first = 0, second = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const [index, v] = await select2(c1, c2);
    if (index === 0) { first += v; c1.send(1); } else { second += v / 2; c2.send(2); }
  }
  const el = now() - t0;
  if (first + second !== n) console.log(`error select: ${first + second} operations, expected ${n}`);
  if (report) result('select', 'ns_per_op', (el * 1e6) / n, 'ns');
}

function spin(end) { let n = 0; while (now() < end) n++; return n; }

async function hog(ms, report) {
  const end = now() + ms;
  for (let i = 0; i < 4; i++) setImmediate(() => spin(end)); // "go hog()": runs when the sleeper yields
  let worst = 0, sum = 0, count = 0;
  while (now() < end) {
    const t0 = now();
    await sleep(1);
    const late = Math.max(0, now() - t0 - 1);
    worst = Math.max(worst, late); sum += late; count++;
  }
  if (report) {
    result('hog', 'worst_late_ms', worst, 'ms');
    result('hog', 'mean_late_ms', count ? sum / count : 0, 'ms');
  }
}

async function sleepRate(ms) {
  const end = now() + ms, t0 = now();
  let n = 0;
  while (now() < end) { await sleep(1); n++; }
  return n / ((now() - t0) / 1000);
}

async function yieldBench(n, report) {
  const per = Math.floor(n / 4);
  const t0 = now();
  const units = [];
  for (let u = 0; u < 4; u++) units.push((async () => { for (let i = 0; i < per; i++) await yieldNow(); })());
  await Promise.all(units);
  if (report) result('yield', 'ns_per_yield', ((now() - t0) * 1e6) / (per * 4), 'ns');
}

// The same integer mixing as the Lab's CpuWork (xorshift on 32-bit halves here), calibrated to about 1 ms.
function mix(iterations) {
  let x = 0x9E3779B9 | 0, y = 0x7F4A7C15 | 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    y ^= y << 13; y ^= y >>> 7; y ^= y << 17;
  }
  return x ^ y;
}
let iterationsPerMs = 0, sink = 0;
function calibrate() {
  const probe = 200000;
  sink ^= mix(probe);
  let best = Infinity;
  for (let i = 0; i < 7; i++) { const t0 = now(); sink ^= mix(probe); best = Math.min(best, now() - t0); }
  iterationsPerMs = Math.floor(probe / best);
}

async function c10k(n, report) {
  if (!iterationsPerMs) calibrate();
  const base = readStatus();
  let peakRss = base.rss, peakThreads = base.threads;
  const lat = new Array(n);
  const t0 = now();
  const reqs = [];
  for (let i = 0; i < n; i++) {
    reqs.push((async () => {
      await sleep(10);
      sink ^= mix(iterationsPerMs);
      lat[i] = now() - t0;
      if ((i & 63) === 0) { const s = readStatus(); peakRss = Math.max(peakRss, s.rss); peakThreads = Math.max(peakThreads, s.threads); }
    })());
  }
  await Promise.all(reqs);
  const el = now() - t0;
  const s = readStatus(); peakRss = Math.max(peakRss, s.rss); peakThreads = Math.max(peakThreads, s.threads);
  if (!report) return;
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  const rate = n / (el / 1000);
  const cores = require('os').availableParallelism ? require('os').availableParallelism() : require('os').cpus().length;
  result('c10k', 'req_per_s', rate, 'req/s');
  result('c10k', 'cpu_limit_pct', (100 * rate) / (cores * 1000), '%');
  result('c10k', 'p50_ms', pct(50), 'ms');
  result('c10k', 'p99_ms', pct(99), 'ms');
  result('c10k', 'peak_mb', (peakRss - base.rss) / 1048576, 'MB');
  result('c10k', 'threads', peakThreads, 'threads');
}

// Each workload runs once at size n and prints its figures when report is set.
const workloads = {
  spawn: (n, r) => spawn(n, r),
  skynet: (n, r) => skynet(n, r),
  'skynet-await': (n, r) => skynetAwait(n, r),
  pingpong: (n, r) => pingpong(n, r),
  prodcons: (n, r) => prodcons(Math.floor(n / 4) * 4, r),
  select: (n, r) => selectOp(n, r),
  hog: (n, r) => hog(n, r),
  sleep: async (n, r) => { const rate = await sleepRate(n); if (r) result('sleep', 'wakeups_per_s', rate, '1/s'); },
  yield: (n, r) => yieldBench(n, r),
  c10k: (n, r) => c10k(n, r),
};

// Like the Lab's own models: a warm-up run at the size the Lab passes (none when 0), then the measured runs, each
// printing its result lines; the Lab reports the median run.
async function main() {
  const [w, sizeText, warmText = '0', runsText = '1'] = process.argv.slice(2);
  const n = Number(sizeText), warm = Number(warmText), runs = Number(runsText);
  if (!w || !(n > 0) || !(warm >= 0) || !(runs > 0)) {
    console.log('error usage: node weftpeer.js <workload> <size> [<warm-up size> [<measured runs>]]');
    process.exit(2);
  }
  const bench = workloads[w];
  if (!bench) { console.log(`error unknown workload ${w}`); process.exit(2); }
  if (warm > 0) await bench(warm, false);
  for (let i = 0; i < runs; i++) await bench(n, true);
}

main().catch((e) => { console.log(`error ${String(e && e.message || e).replace(/\n/g, ' ')}`); process.exit(1); });
