// Package schema stands in for step-runner's step schema: only the fields the runner reads or writes.
package schema

// StepInputs are a step's inputs.
type StepInputs map[string]any

// Step is one step of a `run:` list.
type Step struct {
	Name   *string    `json:"name,omitempty" yaml:"name,omitempty"`
	Step   string     `json:"step,omitempty" yaml:"step,omitempty"`
	Inputs StepInputs `json:"inputs,omitempty" yaml:"inputs,omitempty"`
	Run    []Step     `json:"run,omitempty" yaml:"run,omitempty"`
}
