// Package moa stands in for gitlab.com/gitlab-org/moa (the `${{ }}` expression language of job inputs and
// native steps), which the Go module proxy does not serve. Job inputs are refused when a job is decoded
// (value.Value refuses JSON), so templates are never parsed here. See .ci/e2e/images/README.md.
package moa

import (
	"errors"

	"gitlab.com/gitlab-org/moa/ast"
)

// ErrNotAvailable is returned by every stand-in entry point.
var ErrNotAvailable = errors.New("job input expressions (moa) are not available in this end-to-end test build")

// ParseTemplate fails: there is no expression language in this build.
func ParseTemplate(string) (ast.Expr, error) { return nil, ErrNotAvailable }

// EscapeTemplate returns s unchanged (only the native-steps path, which fails earlier, uses it).
func EscapeTemplate(s string) string { return s }
