// Package proto stands in for step-runner's generated protobuf types: only what the runner's builtins use.
package proto

import (
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"
)

// ValueType is the type of a step input.
type ValueType int32

const (
	ValueType_string  ValueType = 0 //nolint:revive // generated-style names as the runner uses them
	ValueType_boolean ValueType = 2 //nolint:revive
	ValueType_array   ValueType = 3 //nolint:revive
)

type Spec struct {
	Spec *Spec_Content
}

func (s *Spec) GetSpec() *Spec_Content {
	if s == nil {
		return nil
	}
	return s.Spec
}

type Spec_Content struct { //nolint:revive
	Inputs map[string]*Spec_Content_Input
}

func (c *Spec_Content) GetInputs() map[string]*Spec_Content_Input {
	if c == nil {
		return nil
	}
	return c.Inputs
}

type Spec_Content_Input struct { //nolint:revive
	Type      ValueType
	Default   *structpb.Value
	Sensitive bool
}

// StepRunnerServer is the step-runner gRPC service.
type StepRunnerServer interface{}

// RegisterStepRunnerServer registers nothing: there is no step-runner service in this build.
func RegisterStepRunnerServer(grpc.ServiceRegistrar, StepRunnerServer) {}
