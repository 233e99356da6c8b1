package journeys

// Reading allot's /metrics (Prometheus text format 0.0.4) in the fault journeys. Metric names and labels
// are the ones docs/metrics.md lists.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// promSample is one sample line: name{labels} value.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseProm parses the sample lines of a Prometheus text exposition (comments and blank lines skipped).
func parseProm(text string) ([]promSample, error) {
	var out []promSample
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s := promSample{labels: map[string]string{}}
		rest := line
		if i := strings.IndexAny(line, "{ "); i < 0 {
			return nil, fmt.Errorf("line %d: no value: %q", n+1, line)
		} else {
			s.name, rest = line[:i], line[i:]
		}
		if strings.HasPrefix(rest, "{") {
			var err error
			if rest, err = parseLabels(rest[1:], s.labels); err != nil {
				return nil, fmt.Errorf("line %d: %w: %q", n+1, err, line)
			}
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("line %d: no value: %q", n+1, line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		s.value = v
		out = append(out, s)
	}
	return out, nil
}

// parseLabels reads `k="v",...}` into labels and returns what follows the closing brace.
func parseLabels(s string, labels map[string]string) (string, error) {
	for {
		s = strings.TrimLeft(s, " ,")
		if strings.HasPrefix(s, "}") {
			return s[1:], nil
		}
		eq := strings.Index(s, `="`)
		if eq < 0 {
			return "", fmt.Errorf("bad label set")
		}
		key := strings.TrimSpace(s[:eq])
		s = s[eq+2:]
		var b strings.Builder
		closed := false
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				default:
					b.WriteByte(s[i])
				}
				continue
			}
			if c == '"' {
				s, closed = s[i+1:], true
				break
			}
			b.WriteByte(c)
		}
		if !closed {
			return "", fmt.Errorf("unterminated label value")
		}
		labels[key] = b.String()
	}
}

// metricSum is the sum of every sample of name whose labels include want (key, value, key, value, ...).
func metricSum(samples []promSample, name string, want ...string) float64 {
	sum := 0.0
	for _, s := range samples {
		if s.name != name {
			continue
		}
		match := true
		for i := 0; i+1 < len(want); i += 2 {
			if s.labels[want[i]] != want[i+1] {
				match = false
				break
			}
		}
		if match {
			sum += s.value
		}
	}
	return sum
}

// allotMetric fetches allot's /metrics and returns metricSum(name, want...).
func (e *env) allotMetric(name string, want ...string) float64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	text, err := cl.AllotMetrics(ctx)
	if err != nil {
		e.t.Fatalf("allot metrics: %v", err)
	}
	samples, err := parseProm(text)
	if err != nil {
		e.t.Fatalf("allot metrics: %v", err)
	}
	return metricSum(samples, name, want...)
}

// waitMetricAbove waits until allot's metric (summed as in metricSum) exceeds floor and returns it.
func (e *env) waitMetricAbove(timeout time.Duration, floor float64, name string, want ...string) float64 {
	e.t.Helper()
	var v float64
	e.eventually(timeout, fmt.Sprintf("allot metric %s%v > %g", name, want, floor), func() (bool, string) {
		v = e.allotMetric(name, want...)
		return v > floor, fmt.Sprintf("value %g", v)
	})
	return v
}
