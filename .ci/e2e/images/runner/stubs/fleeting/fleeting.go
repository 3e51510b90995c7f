// Package fleeting stands in for gitlab.com/gitlab-org/fleeting/fleeting (cloud instance plugins for the
// docker-autoscaler and instance executors), which the Go module proxy does not serve. The Kubernetes
// executor does not use it; RunPlugin always fails. See .ci/e2e/images/README.md.
package fleeting

import (
	"errors"

	"gitlab.com/gitlab-org/fleeting/fleeting/provider"
)

// ErrNotAvailable is returned by every stand-in entry point of the fleeting stand-ins.
var ErrNotAvailable = errors.New("fleeting (autoscaler plugins) is not available in this end-to-end test build")

// Cause is why an instance is known.
type Cause string

const CausePreexisted Cause = "preexisted"

type pluginOptions struct{}

type PluginOption func(*pluginOptions)

func WithPluginLogger(any) PluginOption { return func(*pluginOptions) {} }

// Runner is a running plugin.
type Runner struct{}

func (*Runner) InstanceGroup() provider.InstanceGroup { return nil }
func (*Runner) Kill()                                 {}

// RunPlugin fails: there are no fleeting plugins in this build.
func RunPlugin(string, []byte, ...PluginOption) (*Runner, error) { return nil, ErrNotAvailable }
