// Package extended stands in for step-runner's client: New always fails (see steprunner.ErrNotAvailable).
package extended

import (
	"context"
	"io"

	steprunner "gitlab.com/gitlab-org/step-runner"
	"gitlab.com/gitlab-org/step-runner/pkg/api/client"
)

// FollowOutput receives a job's logs.
type FollowOutput struct {
	Logs io.Writer
}

// Client would talk to a step-runner; it is never constructed here.
type Client struct{}

// New fails: there is no step-runner in this build.
func New(_ any) (*Client, error) { return nil, steprunner.ErrNotAvailable }

func (*Client) CloseConn() error                     { return nil }
func (*Client) Cancel(context.Context, string) error { return steprunner.ErrNotAvailable }
func (*Client) RunAndFollow(context.Context, *client.RunRequest, *FollowOutput) (client.Status, error) {
	return client.Status{}, steprunner.ErrNotAvailable
}
