package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runMainEnv makes the test binary act as the service itself, so the signal test below exercises
// the real main() on whatever architecture (or emulator) runs the tests.
const runMainEnv = "SAMPLE_APP_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer is a log sink that tests read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// listenAddr waits for the "listening" log line and returns its addr.
func listenAddr(t *testing.T, logs interface{ String() string }) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" {
				return entry.Addr
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no \"listening\" log line within 20s; logs so far:\n%s", logs.String())
	return ""
}

func TestRunServesUntilItsContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, env(map[string]string{"HOST": "127.0.0.1", "PORT": "0"}), logs)
	}()
	addr := listenAddr(t, logs)

	res, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := Message(runtime.GOARCH) + "\n"; string(b) != want {
		t.Errorf("GET / = %q, want %q", b, want)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v, want nil after cancel", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return within 15s of cancel")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("logs lack the \"stopped\" line:\n%s", logs.String())
	}
}

func TestRunRefusesAnInvalidPort(t *testing.T) {
	err := run(context.Background(), env(map[string]string{"PORT": "eighty"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), `PORT must be an integer from 0 to 65535, got "eighty"`) {
		t.Fatalf("run error = %v, want the PORT error", err)
	}
}

func TestShutdownWaitsForInFlightRequestsAndRefusesNewConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		_, _ = w.Write([]byte("finished"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, h, 10*time.Second, slog.New(slog.DiscardHandler)) }()

	type result struct {
		body string
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		inflight <- result{string(b), err}
	}()
	<-entered
	cancel() // as SIGTERM does

	// The listener closes at once: a new connection is refused while the old request still runs.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepts connections 5s after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("serve returned (%v) while a request was still in flight", err)
	default:
	}

	close(release)
	if r := <-inflight; r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request = %q, %v; want \"finished\", nil", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve = %v, want nil", err)
	}
}

func TestShutdownGivesUpAfterItsTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { close(entered); <-release })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, h, 100*time.Millisecond, slog.New(slog.DiscardHandler)) }()
	go func() {
		if res, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
			res.Body.Close()
		}
	}()
	<-entered
	cancel()
	err = <-done
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "graceful shutdown within 100ms") {
		t.Fatalf("serve = %v, want a graceful-shutdown deadline error", err)
	}
}

// TestTheBinaryStopsCleanlyOnSIGTERMAndSIGINT runs this test binary as the real service (see
// TestMain) and signals it. Under emulation SAMPLE_APP_TEST_EXEC_WRAPPER names the emulator
// (qemu-aarch64-static), since the kernel may have no binfmt_misc handler for the child.
func TestTheBinaryStopsCleanlyOnSIGTERMAndSIGINT(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			argv := []string{self}
			if wrapper := os.Getenv("SAMPLE_APP_TEST_EXEC_WRAPPER"); wrapper != "" {
				argv = append([]string{wrapper}, argv...)
			}
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = append(os.Environ(), runMainEnv+"=1", "HOST=127.0.0.1", "PORT=0")
			logs := &syncBuffer{}
			cmd.Stdout, cmd.Stderr = logs, logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() { _ = cmd.Process.Kill() })

			addr := listenAddr(t, logs)
			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("exit after %s: %v, want status 0; output:\n%s", sig, err, logs.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still running 20s after %s; output:\n%s", sig, logs.String())
			}
			out := logs.String()
			for _, want := range []string{`"msg":"shutting down"`, `"msg":"stopped"`, `"arch":"` + runtime.GOARCH + `"`} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %s:\n%s", want, out)
				}
			}
		})
	}
}

// TestRunsOnTheArchitectureTheCallerAskedFor guards the cross-arch test run itself: `make test
// ARCH=arm64` sets EXPECT_GOARCH, and this fails if the binary was built for another arch or if the
// kernel (or qemu, which reports the guest's machine) says otherwise.
func TestRunsOnTheArchitectureTheCallerAskedFor(t *testing.T) {
	want := os.Getenv("EXPECT_GOARCH")
	if want == "" {
		t.Skip("EXPECT_GOARCH not set (the Makefile sets it)")
	}
	if runtime.GOARCH != want {
		t.Fatalf("runtime.GOARCH = %s, want %s", runtime.GOARCH, want)
	}
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		t.Fatal(err)
	}
	var machine []byte
	for _, c := range u.Machine {
		if c == 0 {
			break
		}
		machine = append(machine, byte(c))
	}
	wantMachine := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[want]
	if string(machine) != wantMachine {
		t.Fatalf("uname -m = %s, want %s for %s", machine, wantMachine, want)
	}
	t.Logf("tests ran on %s (uname -m %s)", runtime.GOARCH, machine)
}
