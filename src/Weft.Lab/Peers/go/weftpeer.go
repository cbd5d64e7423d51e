// weftpeer: the Go peer of the Weft Lab. Each workload does exactly the work of the Lab's Weft version
// (src/Weft.Lab/Workloads/*.cs) and prints its figures as lines the Lab parses:
//
//	result <workload> <figure> <value> <unit>
//	check <workload> <name> <value>
//	error <message>
//
// Built and run by the Lab (go 1.19 or later); nothing else is needed.
package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Usage: weftpeer <workload> <size> [<warm-up size> [<measured runs>]]. Like the Lab's own models it runs the
// workload once at the warm-up size without reporting (none when 0), then the measured runs, each printing its
// result lines; the Lab reports the median run.
//
// weftpeer trace <workload> <size> [<pairs> [<dir>]] is the anchor for Weft's tracing overhead (not run by the Lab):
// Go's own runtime/trace on the same workload, untraced and traced runs alternating in one process after a warm-up,
// the medians of the workload's first figure compared — the method of `weft-lab trace`.
func main() {
	if len(os.Args) < 3 {
		fmt.Println("error usage: weftpeer <workload> <size> [<warm-up size> [<measured runs>]]")
		os.Exit(2)
	}
	if os.Args[1] == "trace" {
		traceOverhead()
		return
	}
	w := os.Args[1]
	n := argInt(2, -1)
	warm := argInt(3, 0)
	runs := argInt(4, 1)
	if n <= 0 || warm < 0 || runs <= 0 {
		fmt.Printf("error bad arguments %q\n", os.Args[2:])
		os.Exit(2)
	}
	bench, ok := workloads[w]
	if !ok {
		fmt.Printf("error unknown workload %s\n", w)
		os.Exit(2)
	}
	if warm > 0 {
		bench(warm, false)
	}
	for i := int64(0); i < runs; i++ {
		bench(n, true)
	}
}

// workloads: each runs once at size n and prints its figures when report is set.
var workloads = map[string]func(n int64, report bool){
	"spawn":    func(n int64, r bool) { spawn(int(n), r) },
	"skynet":   skynetRun,
	"pingpong": func(n int64, r bool) { pingpong(int(n), r) },
	"pipeline": func(n int64, r bool) { pipeline(n, r) },
	"prodcons": func(n int64, r bool) { prodcons(n/4*4, r) },
	"select":   func(n int64, r bool) { selectOp(int(n), r) },
	"hog":      hog,
	"blocking": blocking,
	"sleep": func(n int64, r bool) {
		rate := sleepRate(n)
		if r {
			result("sleep", "wakeups_per_s", rate, "1/s")
		}
	},
	"yield":   func(n int64, r bool) { yield(int(n), r) },
	"c10k":    func(n int64, r bool) { c10k(int(n), r) },
	"mutex":   func(n int64, r bool) { mutexOp(n, r) },
	"context": func(n int64, r bool) { contextTree(int(n), r) },
}

func argInt(i int, def int64) int64 {
	if len(os.Args) <= i {
		return def
	}
	v, err := strconv.ParseInt(os.Args[i], 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// firstFigure is the first figure the current run reported (NaN until it reports one): what trace mode compares.
var firstFigure = math.NaN()

func result(w, fig string, v float64, unit string) {
	if math.IsNaN(firstFigure) {
		firstFigure = v
	}
	fmt.Printf("result %s %s %s %s\n", w, fig, strconv.FormatFloat(v, 'f', 3, 64), unit)
}

// traceOverhead: weftpeer trace <workload> <size> [<pairs> [<dir>]] (see the usage above).
func traceOverhead() {
	if len(os.Args) < 4 {
		fmt.Println("error usage: weftpeer trace <workload> <size> [<pairs> [<dir>]]")
		os.Exit(2)
	}
	w := os.Args[2]
	n := argInt(3, -1)
	pairs := argInt(4, 3)
	dir := os.TempDir()
	if len(os.Args) > 5 {
		dir = os.Args[5]
	}
	bench, ok := workloads[w]
	if !ok || n <= 0 || pairs <= 0 {
		fmt.Printf("error bad arguments %q\n", os.Args[2:])
		os.Exit(2)
	}
	measure := func() float64 {
		firstFigure = math.NaN()
		bench(n, true)
		return firstFigure
	}
	bench(n, false) // warm-up
	path := filepath.Join(dir, "weftpeer-"+w+".trace")
	var off, on []float64
	var size int64
	for i := int64(0); i < pairs; i++ {
		off = append(off, measure())
		f, err := os.Create(path)
		if err != nil {
			panic(err)
		}
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		on = append(on, measure())
		trace.Stop()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		f.Close()
	}
	mOff, mOn := median(off), median(on)
	fmt.Printf("trace %s: untraced %.1f %v, traced %.1f %v -> overhead %+.1f%%, %s %.1f MB\n",
		w, mOff, off, mOn, on, (mOn/mOff-1)*100, path, float64(size)/1e6)
}

func check(w, name string, v int64) { fmt.Printf("check %s %s %d\n", w, name, v) }

// spawn: n goroutines park on one unbuffered channel; close releases them.
// bytes_per_unit: growth of heap and stack memory in use, after a GC, once all are parked, ÷ n.
func spawn(n int, report bool) {
	gate := make(chan struct{})
	var parked int64
	var wg sync.WaitGroup
	wg.Add(n)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			atomic.AddInt64(&parked, 1)
			<-gate
			wg.Done()
		}()
	}
	for i := 0; atomic.LoadInt64(&parked) < int64(n); i++ {
		if i < 20 {
			runtime.Gosched()
		} else {
			time.Sleep(time.Millisecond) // like the Lab: poll without taking CPU from the goroutines
		}
	}
	el := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	close(gate)
	wg.Wait()
	if report {
		grown := float64(m1.HeapInuse+m1.StackInuse) - float64(m0.HeapInuse+m0.StackInuse)
		result("spawn", "bytes_per_unit", grown/float64(n), "bytes")
		result("spawn", "ns_per_spawn", float64(el.Nanoseconds())/float64(n), "ns")
	}
}

func skynetNode(c chan int64, num, size, div int64) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int64)
	sub := size / div
	for i := int64(0); i < div; i++ {
		go skynetNode(rc, num+i*sub, sub, div)
	}
	var sum int64
	for i := int64(0); i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func skynetRun(n int64, report bool) {
	t0 := time.Now()
	c := make(chan int64)
	go skynetNode(c, 0, n, 10)
	sum := <-c
	el := time.Since(t0)
	if report {
		result("skynet", "ms", float64(el.Nanoseconds())/1e6, "ms")
		check("skynet", "sum", sum)
	}
}

func pingpong(n int, report bool) {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			pong <- (<-ping) + 1
		}
	}()
	t0 := time.Now()
	var sum int64
	for i := 0; i < n; i++ {
		ping <- i
		sum += int64(<-pong)
	}
	el := time.Since(t0)
	if report {
		result("pingpong", "ns_per_roundtrip", float64(el.Nanoseconds())/float64(n), "ns")
		check("pingpong", "sum", sum)
	}
}

// pipeline: the daisy chain. 1,000 stages joined by unbuffered channels each pass every value on, plus one; n values
// enter at the head and are summed at the tail. Timed from the first send to the last receive (the chain is built
// first), over n × 1,000 hops.
func pipeline(n int64, report bool) {
	const stages = 1000
	head := make(chan int64)
	in := head
	for s := 0; s < stages; s++ {
		out := make(chan int64)
		go func(in <-chan int64, out chan<- int64) {
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(in, out)
		in = out
	}
	t0 := time.Now()
	go func() {
		for i := int64(0); i < n; i++ {
			head <- i
		}
		close(head)
	}()
	var sum int64
	for v := range in {
		sum += v
	}
	el := time.Since(t0)
	if report {
		result("pipeline", "ns_per_hop", float64(el.Nanoseconds())/float64(n*stages), "ns")
		check("pipeline", "sum", sum)
	}
}

func prodcons(items int64, report bool) {
	const units = 4
	per := items / units
	ch := make(chan int64, 1024)
	var producing int64 = units
	var total int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for p := int64(0); p < units; p++ {
		from := p * per
		go func() {
			for v := from; v < from+per; v++ {
				ch <- v
			}
			if atomic.AddInt64(&producing, -1) == 0 {
				close(ch)
			}
		}()
	}
	wg.Add(units)
	for c := 0; c < units; c++ {
		go func() {
			var sum int64
			for v := range ch {
				sum += v
			}
			atomic.AddInt64(&total, sum)
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	if report {
		result("prodcons", "ns_per_item", float64(el.Nanoseconds())/float64(items), "ns")
		check("prodcons", "sum", total)
	}
}

func selectOp(n int, report bool) {
	c1 := make(chan int, 1)
	c2 := make(chan int, 1)
	c1 <- 1
	c2 <- 2
	var first, second int64
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		select {
		case v := <-c1:
			first += int64(v)
			c1 <- 1
		case v := <-c2:
			second += int64(v / 2)
			c2 <- 2
		}
	}
	el := time.Since(t0)
	runtime.ReadMemStats(&m1)
	if first+second != int64(n) {
		fmt.Printf("error select: %d operations, expected %d\n", first+second, n)
	}
	if report {
		result("select", "ns_per_op", float64(el.Nanoseconds())/float64(n), "ns")
		result("select", "bytes_per_op", float64(m1.TotalAlloc-m0.TotalAlloc)/float64(n), "bytes")
	}
}

// hog: 4 goroutines spin on the clock on 2 procs; main sleeps 1 ms in a loop and records its lateness.
func hog(ms int64, report bool) {
	runtime.GOMAXPROCS(2)
	end := time.Now().Add(time.Duration(ms) * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(4)
	for i := 0; i < 4; i++ {
		go func() {
			n := 0
			for time.Now().Before(end) {
				n++
			}
			wg.Done()
		}()
	}
	worst, sum, count := 0.0, 0.0, 0
	for time.Now().Before(end) {
		t0 := time.Now()
		time.Sleep(time.Millisecond)
		late := float64(time.Since(t0).Nanoseconds())/1e6 - 1
		if late < 0 {
			late = 0
		}
		if late > worst {
			worst = late
		}
		sum += late
		count++
	}
	wg.Wait()
	mean := 0.0
	if count > 0 {
		mean = sum / float64(count)
	}
	if report {
		result("hog", "worst_late_ms", worst, "ms")
		result("hog", "mean_late_ms", mean, "ms")
	}
}

func sleeperUntil(end time.Time) float64 {
	t0 := time.Now()
	n := 0
	for time.Now().Before(end) {
		time.Sleep(time.Millisecond)
		n++
	}
	return float64(n) / time.Since(t0).Seconds()
}

func sleepRate(ms int64) float64 {
	return sleeperUntil(time.Now().Add(time.Duration(ms) * time.Millisecond))
}

func procThreads() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return pprof.Lookup("threadcreate").Count()
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "Threads:") {
			v, _ := strconv.Atoi(strings.TrimSpace(line[8:]))
			return v
		}
	}
	return 0
}

func procRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line[6:]), "kB")), 10, 64)
			return v * 1024
		}
	}
	return 0
}

// sampler keeps the peak thread count and resident memory, like the Lab's Sampler.
type sampler struct {
	stop        chan struct{}
	done        chan struct{}
	peakThreads int64
	baseRSS     int64
	peakRSS     int64
}

func startSampler() *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{}), baseRSS: procRSS()}
	s.peakRSS = s.baseRSS
	s.sample()
	go func() {
		defer close(s.done)
		for {
			select {
			case <-s.stop:
				return
			case <-time.After(5 * time.Millisecond):
				s.sample()
			}
		}
	}()
	return s
}

func (s *sampler) sample() {
	if t := int64(procThreads()); t > atomic.LoadInt64(&s.peakThreads) {
		atomic.StoreInt64(&s.peakThreads, t)
	}
	if r := procRSS(); r > atomic.LoadInt64(&s.peakRSS) {
		atomic.StoreInt64(&s.peakRSS, r)
	}
}

func (s *sampler) finish() {
	s.sample()
	close(s.stop)
	<-s.done
}

// blocking: the sleeper's rate alone, then beside 100 goroutines in 50 ms blocking system calls (nanosleep).
func blocking(ms int64, report bool) {
	alone := sleepRate(ms)
	s := startSampler()
	end := time.Now().Add(time.Duration(ms) * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(100)
	for i := 0; i < 100; i++ {
		go func() {
			ts := syscall.Timespec{Nsec: 50 * 1e6}
			for time.Now().Before(end) {
				syscall.Nanosleep(&ts, nil)
			}
			wg.Done()
		}()
	}
	beside := sleeperUntil(end)
	wg.Wait()
	s.finish()
	if report {
		result("blocking", "ratio", beside/alone, "x")
		result("blocking", "threads", float64(s.peakThreads), "threads")
	}
}

func yield(n int, report bool) {
	const units = 4
	per := n / units
	var wg sync.WaitGroup
	wg.Add(units)
	t0 := time.Now()
	for u := 0; u < units; u++ {
		go func() {
			for i := 0; i < per; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	if report {
		result("yield", "ns_per_yield", float64(el.Nanoseconds())/float64(per*units), "ns")
	}
}

// cpuWork: the same integer mixing as the Lab's CpuWork, calibrated to about 1 ms here.
func mix(iterations int64) uint64 {
	x := uint64(0x9E3779B97F4A7C15)
	for i := int64(0); i < iterations; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

var iterationsPerMs int64
var sink uint64

func calibrate() {
	const probe = 200000
	sink += mix(probe)
	best := time.Hour
	for i := 0; i < 7; i++ {
		t0 := time.Now()
		sink += mix(probe)
		if el := time.Since(t0); el < best {
			best = el
		}
	}
	iterationsPerMs = int64(float64(probe) / (float64(best.Nanoseconds()) / 1e6))
}

func c10k(n int, report bool) {
	if iterationsPerMs == 0 {
		calibrate()
	}
	lat := make([]float64, n)
	var wg sync.WaitGroup
	wg.Add(n)
	s := startSampler()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		id := i
		go func() {
			time.Sleep(10 * time.Millisecond)
			atomic.AddUint64(&sink, mix(iterationsPerMs))
			lat[id] = float64(time.Since(t0).Nanoseconds()) / 1e6
			wg.Done()
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	s.finish()
	if !report {
		return
	}
	sort.Float64s(lat)
	rate := float64(n) / el.Seconds()
	limit := float64(runtime.GOMAXPROCS(0)) * 1000
	result("c10k", "req_per_s", rate, "req/s")
	result("c10k", "cpu_limit_pct", 100*rate/limit, "%")
	result("c10k", "p50_ms", pct(lat, 50), "ms")
	result("c10k", "p99_ms", pct(lat, 99), "ms")
	result("c10k", "peak_mb", float64(s.peakRSS-s.baseRSS)/1048576, "MB")
	result("c10k", "threads", float64(s.peakThreads), "threads")
}

func pct(sorted []float64, p float64) float64 {
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	if rank < 0 {
		rank = 0
	}
	if rank >= len(sorted) {
		rank = len(sorted) - 1
	}
	return sorted[rank]
}

// mutex: 8 goroutines per P increment one counter under one sync.Mutex, n increments in all (Lab's Workloads/Mutex.cs).
func mutexOp(n int64, report bool) {
	units := int64(8 * runtime.GOMAXPROCS(0))
	per := n / units
	if per < 1 {
		per = 1
	}
	var mu sync.Mutex
	var counter int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for u := int64(0); u < units; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(0); i < per; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	if report {
		result("mutex", "ns_per_op", float64(el.Nanoseconds())/float64(units*per), "ns")
		check("mutex", "counter", counter)
	}
}

// context: a tree of n contexts (10 children per node, breadth-first), one goroutine waiting on each Done; time from
// canceling the root until every waiter has observed it (Lab's Workloads/ContextTree.cs).
func contextTree(n int, report bool) {
	ctxs := make([]context.Context, n)
	root, cancel := context.WithCancel(context.Background())
	ctxs[0] = root
	for i := 1; i < n; i++ {
		ctxs[i], _ = context.WithCancel(ctxs[(i-1)/10])
	}
	var parked, observed int64
	var wg sync.WaitGroup
	for _, c := range ctxs {
		wg.Add(1)
		done := c.Done()
		go func() {
			defer wg.Done()
			atomic.AddInt64(&parked, 1)
			<-done
			atomic.AddInt64(&observed, 1)
		}()
	}
	for atomic.LoadInt64(&parked) < int64(n) {
		runtime.Gosched()
	}
	time.Sleep(10 * time.Millisecond) // let the last ones reach the receive
	t0 := time.Now()
	cancel()
	wg.Wait()
	el := time.Since(t0)
	if report {
		result("context", "ms", float64(el.Nanoseconds())/1e6, "ms")
		check("context", "observed", observed)
	}
}

// median of v (v is not changed).
func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
