// Package proxy stands in for step-runner's stdio proxy.
package proxy

import (
	"io"
	"net"

	steprunner "gitlab.com/gitlab-org/step-runner"
)

// Proxy fails: there is no step-runner in this build.
func Proxy(io.Reader, io.Writer, net.Conn) error { return steprunner.ErrNotAvailable }
