// gotrace: the anchor for Weft's tracing overhead. Runs Go's own skynet and pingpong (the same code as the Lab's Go
// peer, src/Weft.Lab/Peers/go/weftpeer.go) untraced and with runtime/trace recording to a file, alternating, in one
// process, and prints the medians and the overhead — the same method as `weft-lab trace`.
//
// Usage: go run ./bench/gotrace [-out DIR] [-pairs 3] [skynet|pingpong ...]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/trace"
	"sort"
	"time"
)

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

// skynet: 1M leaf goroutines; returns ms.
func skynet() float64 {
	t0 := time.Now()
	c := make(chan int64)
	go skynetNode(c, 0, 1_000_000, 10)
	if sum := <-c; sum != 499999500000 {
		panic(fmt.Sprint("skynet sum ", sum))
	}
	return float64(time.Since(t0).Nanoseconds()) / 1e6
}

// pingpong: 1M round trips over two unbuffered channels; returns ns per round trip.
func pingpong() float64 {
	const n = 1_000_000
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
	if sum != int64(n)*(n+1)/2 {
		panic(fmt.Sprint("pingpong sum ", sum))
	}
	return float64(el.Nanoseconds()) / n
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	out := flag.String("out", os.TempDir(), "directory for the trace files")
	pairs := flag.Int("pairs", 3, "untraced and traced runs each (alternating)")
	flag.Parse()
	names := flag.Args()
	if len(names) == 0 {
		names = []string{"skynet", "pingpong"}
	}
	runs := map[string]func() float64{"skynet": skynet, "pingpong": pingpong}
	for _, name := range names {
		run, ok := runs[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown workload %s (skynet, pingpong)\n", name)
			os.Exit(2)
		}
		run() // warm-up
		var off, on []float64
		var size int64
		for i := 0; i < *pairs; i++ {
			off = append(off, run())
			path := filepath.Join(*out, "gotrace-"+name+".trace")
			f, err := os.Create(path)
			if err != nil {
				panic(err)
			}
			if err := trace.Start(f); err != nil {
				panic(err)
			}
			on = append(on, run())
			trace.Stop()
			st, _ := f.Stat()
			size = st.Size()
			f.Close()
		}
		mOff, mOn := median(off), median(on)
		fmt.Printf("%s: untraced %.1f %v, traced %.1f %v → overhead %+.1f%%, trace %.1f MB\n",
			name, mOff, off, mOn, on, (mOn/mOff-1)*100, float64(size)/1e6)
	}
}
