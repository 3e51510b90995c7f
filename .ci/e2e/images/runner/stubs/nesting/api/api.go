// Package api stands in for gitlab.com/gitlab-org/fleeting/nesting/api (VM isolation of the autoscaler
// executors), not served by the Go module proxy: NewClientConn always fails. See .ci/e2e/images/README.md.
package api

import (
	"context"
	"errors"
	"net"

	"gitlab.com/gitlab-org/fleeting/nesting/hypervisor"
)

var (
	ErrNotInitialized     = errors.New("not initialized")
	ErrAlreadyInitialized = errors.New("already initialized")
	errNotAvailable       = errors.New("nesting (VM isolation) is not available in this end-to-end test build")
)

type Client interface {
	Init(ctx context.Context, config []byte) error
	Create(ctx context.Context, image string, slot *int32) (hypervisor.VirtualMachine, *string, error)
	Delete(ctx context.Context, id string) error
	List(ctx context.Context) ([]hypervisor.VirtualMachine, error)
	Close() error
}

type ClientConn struct{}

func (*ClientConn) Close() error { return nil }

func NewClientConn(string, func(ctx context.Context, network, address string) (net.Conn, error)) (*ClientConn, error) {
	return nil, errNotAvailable
}

func New(*ClientConn) Client { return nil }
