// Package hypervisor stands in for nesting's VM type (VM isolation of the autoscaler executors).
package hypervisor

type VirtualMachine interface {
	GetId() string //nolint:revive // name as the runner uses it
	GetAddr() string
}
