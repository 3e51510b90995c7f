// Package prometheus stands in for taskscaler's metrics collector (see the taskscaler stand-in).
package prometheus

type options struct{}

type Option func(*options)

type Collector struct{}

func New(...Option) *Collector                          { return &Collector{} }
func WithConstLabels(map[string]string) Option          { return func(*options) {} }
func WithInstanceReadinessTimeBuckets([]float64) Option { return func(*options) {} }
