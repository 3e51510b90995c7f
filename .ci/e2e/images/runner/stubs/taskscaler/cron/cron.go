// Package cron implements what the runner uses of taskscaler/cron: whether a time falls in a cron period
// (5-field expression, minute resolution, in a named time zone). The Kubernetes executor's idle-pod
// policies ([runners.kubernetes.autoscaler] policies) use it, so it is a working implementation on top of
// github.com/gorhill/cronexpr (already a dependency of the runner), not a stub.
package cron

import (
	"fmt"
	"time"

	"github.com/gorhill/cronexpr"
)

// Schedule is a parsed cron period.
type Schedule struct {
	expr *cronexpr.Expression
	loc  *time.Location
}

// Parse parses a cron expression in the given time zone ("" means UTC).
func Parse(period, timezone string) (Schedule, error) {
	loc := time.UTC
	if timezone != "" {
		l, err := time.LoadLocation(timezone)
		if err != nil {
			return Schedule{}, fmt.Errorf("loading timezone %q: %w", timezone, err)
		}
		loc = l
	}
	expr, err := cronexpr.Parse(period)
	if err != nil {
		return Schedule{}, fmt.Errorf("parsing cron period %q: %w", period, err)
	}
	return Schedule{expr: expr, loc: loc}, nil
}

// Contains reports whether the minute of t matches the period.
func (s Schedule) Contains(t time.Time) bool {
	if s.expr == nil {
		return false
	}
	minute := t.In(s.loc).Truncate(time.Minute)
	return s.expr.Next(minute.Add(-time.Nanosecond)).Equal(minute)
}
