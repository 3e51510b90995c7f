// Package connector stands in for fleeting's instance connector: Dial and Run always fail.
package connector

import (
	"context"
	"io"
	"net"

	"gitlab.com/gitlab-org/fleeting/fleeting"
	"gitlab.com/gitlab-org/fleeting/fleeting/provider"
)

type RunOptions struct {
	Command string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
}

type DialOptions struct {
	UseExternalAddr bool
	DialFn          func(ctx context.Context, network, addr string) (net.Conn, error)
}

type ConnectorOptions struct {
	RunOptions
	DialOptions
}

type Client interface {
	Dial(network, addr string) (net.Conn, error)
	DialRun(ctx context.Context, command string) (net.Conn, error)
	Run(ctx context.Context, opts RunOptions) error
	Close() error
}

type DialFn func(ctx context.Context, info provider.ConnectInfo, options DialOptions) (Client, error)

type ExitError struct{ code int }

func (e *ExitError) Error() string { return "exit status" }
func (e *ExitError) ExitCode() int { return e.code }

func Dial(context.Context, provider.ConnectInfo, DialOptions) (Client, error) {
	return nil, fleeting.ErrNotAvailable
}

func Run(context.Context, provider.ConnectInfo, ConnectorOptions) error {
	return fleeting.ErrNotAvailable
}
