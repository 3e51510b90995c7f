// Package gracefulexitcmd stands in for step-runner's command helper: a command that gets SIGTERM when ctx
// ends and is killed after delay.
package gracefulexitcmd

import (
	"context"
	"os/exec"
	"syscall"
	"time"
)

func New(ctx context.Context, delay time.Duration, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = delay
	return cmd
}
