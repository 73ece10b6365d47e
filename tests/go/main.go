// An outside program for the kernel: Go's runtime, as a statically linked
// Go binary brings it (threads it starts with clone, futexes, signals on
// an alternate stack, epoll with an eventfd or pipe, nonblocking sockets,
// timers, TCP and UDP on the loopback). Built with Debian's golang-go and run natively and bare-metal
// by tests/boot/go_programs.sh, which compares the two outputs. Only what
// is deterministic is printed.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Goroutines doing CPU work, joined by a WaitGroup and a mutex.
func work() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			s := 0
			for j := 0; j < 2000000; j++ {
				s += j % (k + 1)
			}
			mu.Lock()
			total += s
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	fmt.Println("work:", total)
}

// Channels between goroutines: a pipeline of stages, and a select with a
// timer that must not fire first.
func channels() {
	src := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= 1000; i++ {
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			sq <- v * v
		}
		close(sq)
	}()
	sum := 0
	for v := range sq {
		sum += v
	}
	fmt.Println("pipeline:", sum)
	ch := make(chan int)
	go func() { time.Sleep(20 * time.Millisecond); ch <- 42 }()
	select {
	case v := <-ch:
		fmt.Println("select:", v)
	case <-time.After(10 * time.Second):
		fmt.Println("select: timed out")
	}
	t := time.NewTicker(5 * time.Millisecond)
	n := 0
	for range t.C {
		if n++; n == 10 {
			break
		}
	}
	t.Stop()
	fmt.Println("ticks:", n)
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("slept at least 30 ms:", time.Since(start) >= 30*time.Millisecond)
}

// Many goroutines contending on atomics and a condition variable.
func contention() {
	var n int64
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10000; j++ {
				atomic.AddInt64(&n, 1)
				if j%1000 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := 0
	for i := 0; i < 8; i++ {
		go func() {
			mu.Lock()
			ready++
			cond.Broadcast()
			mu.Unlock()
		}()
	}
	mu.Lock()
	for ready < 8 {
		cond.Wait()
	}
	mu.Unlock()
	fmt.Println("atomics:", n, "cond:", ready)
}

// Files: a directory of files written by goroutines, listed and read back.
func files() {
	dir, err := os.MkdirTemp("", "gotest")
	if err != nil {
		fmt.Println("mkdirtemp:", err)
		return
	}
	defer os.RemoveAll(dir)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", k)), []byte(fmt.Sprint(k*k)), 0o600)
		}(i)
	}
	wg.Wait()
	ents, _ := os.ReadDir(dir)
	names := []string{}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		names = append(names, e.Name()+"="+string(b))
	}
	sort.Strings(names)
	fmt.Println("files:", names)
}

// Eight requests at once from c, to base/req0 to base/req7: each one's
// status and body, or its error.
func getEight(c *http.Client, base string) []string {
	var wg sync.WaitGroup
	replies := make([]string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			resp, err := c.Get(fmt.Sprintf("%s/req%d", base, k))
			if err != nil {
				replies[k] = "error: " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			replies[k] = fmt.Sprint(resp.StatusCode, " ", string(b))
		}(i)
	}
	wg.Wait()
	return replies
}

// net/http over a Unix domain socket (epoll, nonblocking accept and
// connect), a net.Pipe echo, and a signal delivered to signal.Notify.
func network() {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("gotest-%d.sock", os.Getpid()))
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	defer os.Remove(path)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Path)
	})}
	go srv.Serve(l)
	/* (no connections kept: one dialled and not used would hold the
	 * Shutdown below for 5 s, which a busy machine made happen) */
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return net.Dial("unix", path)
		}}}
	for _, r := range getEight(c, "http://bareflow") {
		fmt.Println("http:", r)
	}
	a, b := net.Pipe()
	go func() {
		line, _ := bufio.NewReader(b).ReadString('\n')
		b.Write([]byte("echo " + line))
	}()
	a.Write([]byte("ping\n"))
	buf := make([]byte, 64)
	n, _ := a.Read(buf)
	fmt.Print("pipe: ", string(buf[:n]))
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-sigs:
		fmt.Println("signal:", s)
	case <-time.After(10 * time.Second):
		fmt.Println("signal: none came")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	fmt.Println("shutdown:", srv.Shutdown(ctx))
	cancel()
}

// TCP and UDP on the loopback: net/http with eight concurrent clients
// over IPv4, a listener on "localhost" (Go's own resolver reads /etc/hosts)
// and one dual-stack on IPv6's wildcard dialled over IPv4, a refused dial,
// and UDP datagrams both ways.
func loopback() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("tcp listen:", err)
		return
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "tcp hello %s", r.URL.Path)
	})}
	go srv.Serve(l)
	/* (Close: nothing to wait for, unlike the Shutdown above) */
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, r := range getEight(c, "http://"+l.Addr().String()) {
		fmt.Println("http over tcp:", r)
	}
	fmt.Println("tcp close:", srv.Close())

	for _, at := range []struct{ listen, dial string }{{"localhost:0", "localhost"}, {"[::]:0", "127.0.0.1"}} {
		l, err := net.Listen("tcp", at.listen)
		if err != nil {
			fmt.Println("listen", at.listen+":", err)
			continue
		}
		go func() {
			c, err := l.Accept()
			if err == nil {
				line, _ := bufio.NewReader(c).ReadString('\n')
				c.Write([]byte("echo " + line))
				c.Close()
			}
		}()
		_, port, _ := net.SplitHostPort(l.Addr().String())
		c, err := net.Dial("tcp", net.JoinHostPort(at.dial, port))
		if err != nil {
			fmt.Println("dial", at.dial+":", err)
			l.Close()
			continue
		}
		c.Write([]byte("over " + at.listen[:len(at.listen)-2] + "\n"))
		b, _ := io.ReadAll(c)
		fmt.Print("tcp echo: ", string(b))
		c.Close()
		l.Close()
	}

	/* the interfaces, through netlink: lo's alone (the host has others) */
	ifs, err := net.Interfaces()
	if err != nil {
		fmt.Println("interfaces:", err)
	}
	for _, ifi := range ifs {
		if ifi.Name != "lo" {
			continue
		}
		addrs, err := ifi.Addrs()
		fmt.Println("interface lo:", ifi.Index, ifi.MTU, ifi.Flags, addrs, err)
	}

	_, err = net.Dial("tcp", l.Addr().String()) /* its listener closed */
	fmt.Println("dial a closed port refused:", errors.Is(err, syscall.ECONNREFUSED))

	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("udp listen:", err)
		return
	}
	go func() {
		buf := make([]byte, 64)
		for i := 0; i < 3; i++ {
			n, from, err := u.ReadFrom(buf)
			if err != nil {
				return
			}
			u.WriteTo(append([]byte("udp echo "), buf[:n]...), from)
		}
	}()
	d, err := net.Dial("udp", u.LocalAddr().String())
	if err != nil {
		fmt.Println("udp dial:", err)
		return
	}
	for i := 0; i < 3; i++ {
		fmt.Fprintf(d, "datagram %d", i)
		buf := make([]byte, 64)
		d.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := d.Read(buf)
		if err != nil {
			fmt.Println("udp read:", err)
			break
		}
		fmt.Println(string(buf[:n]))
	}
	d.Close()
	u.Close()
}

func main() {
	fmt.Println("go runtime, GOMAXPROCS set:", runtime.GOMAXPROCS(0) >= 1)
	work()
	channels()
	contention()
	files()
	network()
	loopback()
	fmt.Println("done")
}
