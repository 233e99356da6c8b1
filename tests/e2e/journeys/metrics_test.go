package journeys

// Reading allot's /metrics in the fault journeys (parsed with harness.ParseMetrics). Metric names and labels
// are the ones docs/metrics.md lists.

import (
	"context"
	"fmt"
	"time"

	"allot/tests/e2e/harness"
)

// allotMetric fetches allot's /metrics and returns the sum of every sample of name whose labels include
// want (key, value, key, value, ...).
func (e *env) allotMetric(name string, want ...string) float64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	text, err := cl.AllotMetrics(ctx)
	if err != nil {
		e.t.Fatalf("allot metrics: %v", err)
	}
	metrics, err := harness.ParseMetrics(text)
	if err != nil {
		e.t.Fatalf("allot metrics: %v", err)
	}
	match := map[string]string{}
	for i := 0; i+1 < len(want); i += 2 {
		match[want[i]] = want[i+1]
	}
	return metrics.Sum(name, match)
}

// waitMetricAbove waits until allot's metric (summed as in allotMetric) exceeds floor and returns it.
func (e *env) waitMetricAbove(timeout time.Duration, floor float64, name string, want ...string) float64 {
	e.t.Helper()
	var v float64
	e.eventually(timeout, fmt.Sprintf("allot metric %s%v > %g", name, want, floor), func() (bool, string) {
		v = e.allotMetric(name, want...)
		return v > floor, fmt.Sprintf("value %g", v)
	})
	return v
}
