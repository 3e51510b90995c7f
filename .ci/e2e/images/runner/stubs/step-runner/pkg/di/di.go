// Package di stands in for step-runner's service container: StepRunnerService always fails.
package di

import (
	"log/slog"

	steprunner "gitlab.com/gitlab-org/step-runner"
	"gitlab.com/gitlab-org/step-runner/pkg/runner"
	"gitlab.com/gitlab-org/step-runner/proto"
)

// Container would wire a step-runner service.
type Container struct{}

func NewContainer(opts ...func(*Container)) *Container {
	c := &Container{}
	for _, o := range opts {
		o(c)
	}
	return c
}

func WithBuiltinFunc(string, runner.BuiltinFunction) func(*Container) { return func(*Container) {} }
func WithOperatorLogger(*slog.Logger) func(*Container)                { return func(*Container) {} }

// StepRunnerService fails: there is no step-runner in this build.
func (*Container) StepRunnerService() (proto.StepRunnerServer, error) {
	return nil, steprunner.ErrNotAvailable
}
