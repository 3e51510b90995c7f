// Package api stands in for gitlab.com/gitlab-org/gitlab-runner/helpers/runner_wrapper/api, a nested module
// that is not in the runner's module zip. It serves the `gitlab-runner wrapper` command (a gRPC front for
// process supervisors), which the rendered Deployment does not use. Only the names the runner refers to;
// see .ci/e2e/images/README.md.
package api

import (
	"context"
	"errors"

	"github.com/sirupsen/logrus"
)

// ErrProcessNotInitialized: the wrapped process is not running.
var ErrProcessNotInitialized = errors.New("process not initialized")

// Status of the wrapped process.
type Status int

const (
	StatusUnknown Status = iota
	StatusRunning
	StatusInShutdown
	StatusStopped
)

func (s Status) String() string {
	return [...]string{"unknown", "running", "in_shutdown", "stopped"}[s]
}

// ShutdownCallbackDef is where to report the end of a shutdown.
type ShutdownCallbackDef interface {
	URL() string
	Method() string
}

// InitGracefulShutdownRequest asks for a graceful shutdown.
type InitGracefulShutdownRequest interface {
	ShutdownCallbackDef() ShutdownCallbackDef
}

// ShutdownCallback reports the end of a shutdown.
type ShutdownCallback interface {
	Run(ctx context.Context)
}

type noCallback struct{ log logrus.FieldLogger }

func (c noCallback) Run(context.Context) {
	c.log.Warn("shutdown callbacks are not available in this end-to-end test build")
}

// NewShutdownCallback returns a callback that only logs that it cannot call back.
func NewShutdownCallback(log logrus.FieldLogger, _ ShutdownCallbackDef) ShutdownCallback {
	return noCallback{log: log}
}
