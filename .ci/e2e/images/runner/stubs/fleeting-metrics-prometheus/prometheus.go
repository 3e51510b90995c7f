// Package prometheus stands in for fleeting's metrics collector (see the fleeting stand-in).
package prometheus

type options struct{}

type Option func(*options)

type Collector struct{}

func New(...Option) *Collector                          { return &Collector{} }
func WithConstLabels(map[string]string) Option          { return func(*options) {} }
func WithInstanceCreationTimeBuckets([]float64) Option  { return func(*options) {} }
func WithInstanceIsRunningTimeBuckets([]float64) Option { return func(*options) {} }
func WithInstanceDeletionTimeBuckets([]float64) Option  { return func(*options) {} }
func WithInstanceLifeDurationBuckets([]float64) Option  { return func(*options) {} }
