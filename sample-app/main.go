// Command sample-app is a small HTTP service that answers "Hello World from <GOARCH>".
//
// It shows what a service needs to ship on both architectures of the runner fleet: a static binary,
// configuration by environment, JSON logs, a health endpoint and a graceful shutdown on SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sample-app:", err)
		os.Exit(1)
	}
}

// run loads the configuration, listens and serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, getenv func(string) string, logOut io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(logOut, nil)).With(slog.String("arch", runtime.GOARCH))
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr(), err)
	}
	info := Info{Arch: runtime.GOARCH, OS: runtime.GOOS, Version: version}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("version", version))
	return serve(ctx, ln, NewHandler(info, logger), cfg.ShutdownTimeout, logger)
}

// serve answers on ln until ctx is done. Then it stops accepting connections and waits up to
// timeout for in-flight requests to finish.
func serve(ctx context.Context, ln net.Listener, h http.Handler, timeout time.Duration, logger *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.Duration("timeout", timeout))
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown within %s: %w", timeout, err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}
