// Package taskscaler stands in for gitlab.com/gitlab-org/fleeting/taskscaler (instance scheduling of the
// docker-autoscaler and instance executors), which the Go module proxy does not serve. The Kubernetes
// executor does not use it; New always fails. Package cron is the exception: the Kubernetes executor's
// idle-pod policies use it, so it is implemented. See .ci/e2e/images/README.md.
package taskscaler

import (
	"context"
	"errors"
	"time"

	"gitlab.com/gitlab-org/fleeting/fleeting"
	"gitlab.com/gitlab-org/fleeting/fleeting/provider"
)

var ErrNoCapacity = errors.New("no capacity")

type Acquisition interface {
	Slot() int
	WithContext(ctx context.Context) (context.Context, context.CancelFunc)
	InstanceConnectInfo(ctx context.Context) (provider.ConnectInfo, error)
}

type Schedule struct {
	Periods          []string
	Timezone         string
	IdleCount        int
	IdleTime         time.Duration
	ScaleFactor      float64
	ScaleFactorLimit int
	PreemptiveMode   bool
}

type Taskscaler interface {
	Acquire(ctx context.Context, key string) (Acquisition, error)
	Resume(ctx context.Context, key string) (Acquisition, error)
	Reserve(key string) error
	Unreserve(key string)
	Release(key string)
	Suspend(key string) error
	HasCapability(provider.Capability) bool
	ConfigureSchedule(schedules ...Schedule) error
	MetricsCollector() any
	FleetingMetricsCollector() any
	Shutdown(ctx context.Context)
}

type UpFuncInstance struct {
	Acquisitions []string
	Cause        fleeting.Cause
	Restored     bool
	Info         provider.ConnectInfo
}

type UpFunc func(ts Taskscaler, instance UpFuncInstance) error

type HeartbeatFunc func(ctx context.Context, info provider.ConnectInfo) error

type options struct{}

type Option func(*options)

func option(...any) Option { return func(*options) {} }

func WithReservations() Option                               { return option() }
func WithReservationThrottling() Option                      { return option() }
func WithDeleteInstancesOnShutdown() Option                  { return option() }
func WithCapacityPerInstance(v int) Option                   { return option(v) }
func WithMaxUseCount(v int) Option                           { return option(v) }
func WithMaxInstances(v int) Option                          { return option(v) }
func WithInstanceGroupSettings(v provider.Settings) Option   { return option(v) }
func WithMetricsCollector(v any) Option                      { return option(v) }
func WithFleetingMetricsCollector(v any) Option              { return option(v) }
func WithInstanceUpFunc(v UpFunc) Option                     { return option(v) }
func WithHeartbeatFunc(v HeartbeatFunc) Option               { return option(v) }
func WithUpdateInterval(v time.Duration) Option              { return option(v) }
func WithUpdateIntervalWhenExpecting(v time.Duration) Option { return option(v) }
func WithDeletionRetryInterval(v time.Duration) Option       { return option(v) }
func WithShutdownDeletionInterval(v time.Duration) Option    { return option(v) }
func WithShutdownDeletionRetries(v int) Option               { return option(v) }
func WithFailureThreshold(v int) Option                      { return option(v) }
func WithLogger(v any) Option                                { return option(v) }
func WithScaleThrottle(limit, burst int) Option              { return option(limit, burst) }
func WithStorage(v any) Option                               { return option(v) }

// New fails: there are no instance groups in this build.
func New(context.Context, provider.InstanceGroup, ...Option) (Taskscaler, error) {
	return nil, fleeting.ErrNotAvailable
}
