// Package expression stands in for step-runner's job-input expression evaluator. Job inputs cannot be
// decoded in this build (moa/value.Value refuses JSON), so the evaluator is never reached with inputs.
package expression

import (
	"gitlab.com/gitlab-org/moa/ast"
	"gitlab.com/gitlab-org/moa/value"

	steprunner "gitlab.com/gitlab-org/step-runner"
)

// Sensitive marks a sensitive value.
const Sensitive uint16 = 1

// Input is one job input.
type Input struct {
	Key   string
	Value value.Value
}

// Evaluator evaluates templates.
type Evaluator struct{}

// NewEvaluator returns an evaluator whose Eval always fails.
func NewEvaluator(value.Value) (*Evaluator, error) { return &Evaluator{}, nil }

// Eval fails: there is no expression language in this build.
func (*Evaluator) Eval(string, ast.Expr) (value.Value, error) {
	return value.Null(), steprunner.ErrNotAvailable
}
