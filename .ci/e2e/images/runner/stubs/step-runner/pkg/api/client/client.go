// Package client stands in for step-runner's client types: only the fields the runner reads or writes.
package client

import "time"

// State is the state of a step-runner job.
type State int

const (
	StateUnspecified State = iota
	StateRunning
	StateSuccess
	StateFailure
	StateCancelled
)

func (s State) String() string {
	return [...]string{"unspecified", "running", "success", "failure", "cancelled"}[s]
}

// ErrorKind classifies a failed job.
type ErrorKind int

const (
	ErrorUnspecified ErrorKind = iota
	ErrorInternal
	ErrorStepFailure
	ErrorCancelled
	ErrorTimeout
	ErrorUnknown
)

// Status is the outcome of a step-runner job.
type Status struct {
	State     State
	ErrorKind ErrorKind
	Message   string
}

// Variable is a job variable passed to step-runner.
type Variable struct {
	Key    string
	Value  string
	File   bool
	Masked bool
}

// RunRequest asks step-runner to run steps.
type RunRequest struct {
	Id        string //nolint:revive // field name as the runner uses it
	Timeout   *time.Duration
	WorkDir   string
	BuildDir  string
	Env       map[string]string
	Steps     string
	Variables []Variable
}
