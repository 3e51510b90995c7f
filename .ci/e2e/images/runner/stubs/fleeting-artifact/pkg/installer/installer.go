// Package installer stands in for fleeting-artifact's plugin installer (`gitlab-runner fleeting install`),
// not served by the Go module proxy: no plugin is ever found or installed. See .ci/e2e/images/README.md.
package installer

import (
	"context"
	"errors"
)

var ErrPluginNotFound = errors.New("fleeting plugin not found (fleeting is not available in this end-to-end test build)")

var errNotAvailable = errors.New("fleeting plugins are not available in this end-to-end test build")

func LookPath(string, string) (string, error)      { return "", ErrPluginNotFound }
func Install(context.Context, string) error        { return errNotAvailable }
func Login(string, string, string) (string, error) { return "", errNotAvailable }
