// Package metrics stands in for labkit/v2's Snowplow emitter metrics options (see package snowplow).
package metrics

type options struct{}

type CollectorOption func(*options)

func WithCollectorNamespace(string) CollectorOption                       { return func(*options) {} }
func WithCollectorBatchDeliveryDurationBuckets([]float64) CollectorOption { return func(*options) {} }
