// Package snowplow stands in for labkit/v2's Snowplow billing-event emitter (usage logging to a Snowplow
// collector, configured by [usage_logger.snowplow]); NewEmitter always fails, so that configuration is
// refused at start instead of silently dropping events. See .ci/e2e/images/README.md.
package snowplow

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/gitlab-org/labkit/v2/events/snowplow/metrics"
	"gitlab.com/gitlab-org/labkit/v2/events/snowplow/oidc"
)

var errNotAvailable = errors.New("snowplow usage events are not available in this end-to-end test build")

// SendResult is the outcome of one batch.
type SendResult struct {
	EventCount int
	StatusCode int
	Err        error
}

type SendCallback func(successes []SendResult, failures []SendResult)

type emitterOptions struct{}

type EmitterOption func(*emitterOptions)

func WithCallback(SendCallback) EmitterOption    { return func(*emitterOptions) {} }
func WithTokenSource(*oidc.Source) EmitterOption { return func(*emitterOptions) {} }
func WithMetricsCollectorOptions(...metrics.CollectorOption) EmitterOption {
	return func(*emitterOptions) {}
}

type Emitter struct{}

func NewEmitter(string, ...EmitterOption) (*Emitter, error) { return nil, errNotAvailable }
func (*Emitter) Collector() prometheus.Collector            { return nil }

type Tracker struct{}

func NewTracker(string, *Emitter) (*Tracker, error) { return nil, errNotAvailable }
func (*Tracker) Stop()                              {}
func (*Tracker) TrackBillingEventWithOptionalInput(BillingEventRequiredInput, BillingEventOptionalInput) error {
	return errNotAvailable
}

type BillingEventRequiredInput struct {
	Category      string
	EventType     string
	Realm         string
	UnitOfMeasure string
	Quantity      float64
}

type BillingEventOptionalInput struct {
	Subject          string
	DeploymentType   string
	Metadata         map[string]any
	InstanceID       string
	UniqueInstanceID string
	ProjectID        int64
	NamespaceID      int64
	RootNamespaceID  int64
	OrganizationID   int64
	Timestamp        time.Time
}
