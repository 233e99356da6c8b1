package harness

// Measurement helpers for the end-to-end throughput benchmark (journeys/perf_test.go, docs/perf/e2e.md):
//
//   - ThroughputSeries: scheduler_perf's SchedulingThroughput sampling (one sample per interval of the
//     number of newly bound pods divided by the elapsed time; the first sample is dropped; intervals
//     without progress are folded into the next sample and counted once per interval), and its summary
//     (Average = mean of the samples, PercNN = nearest-rank percentile), as in
//     k8s.io/kubernetes/test/integration/scheduler_perf (throughputCollector).
//   - Metrics: a small parser for the Prometheus text exposition, enough to take the difference of two
//     scrapes of a histogram or counter and derive mean and bucket-interpolated quantiles.
//   - ProcessCPUSeconds / MachineCPU: CPU time from /proc, to show where the cores went during a phase.
//
// Thread-safety: ThroughputSeries is not safe for concurrent use (one sampling goroutine owns it); the
// other helpers are pure functions or read-only values.

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ThroughputSeries turns a monotonically growing "pods bound so far" count, observed at a fixed interval,
// into per-interval throughput samples (pods/s).
type ThroughputSeries struct {
	Samples []float64

	started   bool
	lastCount int
	lastTime  time.Time
	skipped   int
}

// Observe records the count seen at now. Until the first pod is bound nothing is recorded; the first
// observation with a non-zero count only sets the baseline (it mixes waiting and binding). An interval
// without new pods is not recorded as 0 pods/s: the next interval with progress is recorded once for
// itself and once for every skipped interval, with the rate over the whole span.
func (s *ThroughputSeries) Observe(now time.Time, count int) {
	if count == 0 {
		return
	}
	if !s.started {
		s.started = true
		s.lastCount, s.lastTime = count, now
		return
	}
	if count == s.lastCount {
		s.skipped++
		return
	}
	secs := now.Sub(s.lastTime).Seconds()
	if secs <= 0 {
		return
	}
	rate := float64(count-s.lastCount) / secs
	for i := 0; i <= s.skipped; i++ {
		s.Samples = append(s.Samples, rate)
	}
	s.lastCount, s.lastTime, s.skipped = count, now, 0
}

// ThroughputStats summarises samples the way scheduler_perf reports SchedulingThroughput.
type ThroughputStats struct {
	N       int     `json:"samples"`
	Average float64 `json:"average"`
	Perc50  float64 `json:"perc50"`
	Perc90  float64 `json:"perc90"`
	Perc95  float64 `json:"perc95"`
	Perc99  float64 `json:"perc99"`
}

// Summarize returns the mean and nearest-rank percentiles of samples (all zero when there are none).
func Summarize(samples []float64) ThroughputStats {
	n := len(samples)
	if n == 0 {
		return ThroughputStats{}
	}
	sorted := append([]float64(nil), samples...)
	sort.Float64s(sorted)
	sum := 0.0
	for _, v := range sorted {
		sum += v
	}
	rank := func(p int) float64 { return sorted[int(math.Ceil(float64(n*p)/100))-1] }
	return ThroughputStats{N: n, Average: sum / float64(n), Perc50: rank(50), Perc90: rank(90), Perc95: rank(95), Perc99: rank(99)}
}

// Sample is one series of a scrape: its labels and value.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Metrics is one parsed scrape: metric series name (with _bucket/_sum/_count suffixes as exposed) to its
// samples.
type Metrics map[string][]Sample

// ParseMetrics parses the Prometheus text exposition format (version 0.0.4). Comments, blank lines and
// timestamps are ignored; label values may contain escaped quotes, backslashes and newlines.
func ParseMetrics(text string) (Metrics, error) {
	m := Metrics{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' {
			continue
		}
		name, labels, rest, err := splitSeries(s)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w: %q", line, err, s)
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("line %d: no value: %q", line, s)
		}
		v, err := parsePromFloat(fields[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		m[name] = append(m[name], Sample{Labels: labels, Value: v})
	}
	return m, sc.Err()
}

func parsePromFloat(s string) (float64, error) {
	switch s {
	case "+Inf", "Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

// splitSeries splits `name{a="x",b="y"} rest` into its parts.
func splitSeries(s string) (string, map[string]string, string, error) {
	end := strings.IndexAny(s, "{ \t")
	if end < 0 {
		return "", nil, "", fmt.Errorf("no value")
	}
	name := s[:end]
	labels := map[string]string{}
	if s[end] != '{' {
		return name, labels, s[end:], nil
	}
	i := end + 1
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return "", nil, "", fmt.Errorf("unterminated labels")
		}
		if s[i] == '}' {
			return name, labels, s[i+1:], nil
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 || i+eq+1 >= len(s) || s[i+eq+1] != '"' {
			return "", nil, "", fmt.Errorf("bad label")
		}
		key := strings.TrimSpace(s[i : i+eq])
		j := i + eq + 2
		var val strings.Builder
		for ; j < len(s) && s[j] != '"'; j++ {
			if s[j] == '\\' && j+1 < len(s) {
				j++
				switch s[j] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(s[j])
				}
				continue
			}
			val.WriteByte(s[j])
		}
		if j >= len(s) {
			return "", nil, "", fmt.Errorf("unterminated label value")
		}
		labels[key] = val.String()
		i = j + 1
	}
}

func matches(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// Sum adds up the values of the series `name` whose labels include every pair of match.
func (m Metrics) Sum(name string, match map[string]string) float64 {
	total := 0.0
	for _, s := range m[name] {
		if matches(s.Labels, match) {
			total += s.Value
		}
	}
	return total
}

// LabelValues returns the distinct values of label key among the series `name` (sorted).
func (m Metrics) LabelValues(name, key string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range m[name] {
		if v, ok := s.Labels[key]; ok && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Bucket is one cumulative histogram bucket: observations <= UpperBound.
type Bucket struct {
	UpperBound float64
	Count      float64
}

// Histogram is a (possibly aggregated) Prometheus histogram.
type Histogram struct {
	Buckets []Bucket // ascending UpperBound, cumulative, the last is +Inf
	Sum     float64
	Count   float64
}

// Histogram aggregates the histogram `name` over every series whose labels include match (buckets with
// the same bound are added up).
func (m Metrics) Histogram(name string, match map[string]string) Histogram {
	byBound := map[float64]float64{}
	for _, s := range m[name+"_bucket"] {
		if !matches(s.Labels, match) {
			continue
		}
		le, err := parsePromFloat(s.Labels["le"])
		if err != nil {
			continue
		}
		byBound[le] += s.Value
	}
	h := Histogram{Sum: m.Sum(name+"_sum", match), Count: m.Sum(name+"_count", match)}
	for le, c := range byBound {
		h.Buckets = append(h.Buckets, Bucket{UpperBound: le, Count: c})
	}
	sort.Slice(h.Buckets, func(i, j int) bool { return h.Buckets[i].UpperBound < h.Buckets[j].UpperBound })
	return h
}

// Sub returns h minus before (the observations made between two scrapes). Buckets are matched by bound;
// a bucket missing from before counts as 0.
func (h Histogram) Sub(before Histogram) Histogram {
	prev := map[float64]float64{}
	for _, b := range before.Buckets {
		prev[b.UpperBound] = b.Count
	}
	out := Histogram{Sum: h.Sum - before.Sum, Count: h.Count - before.Count}
	for _, b := range h.Buckets {
		out.Buckets = append(out.Buckets, Bucket{UpperBound: b.UpperBound, Count: b.Count - prev[b.UpperBound]})
	}
	return out
}

// Mean is Sum/Count (0 without observations).
func (h Histogram) Mean() float64 {
	if h.Count <= 0 {
		return 0
	}
	return h.Sum / h.Count
}

// Quantile estimates the q-quantile (0..1) by linear interpolation inside the bucket that holds it, as
// PromQL's histogram_quantile does: the first bucket starts at 0, and a quantile that falls into the +Inf
// bucket returns the highest finite bound. NaN without observations.
func (h Histogram) Quantile(q float64) float64 {
	if len(h.Buckets) == 0 {
		return math.NaN()
	}
	total := h.Buckets[len(h.Buckets)-1].Count
	if total <= 0 {
		return math.NaN()
	}
	rank := q * total
	lowerBound, lowerCount := 0.0, 0.0
	for i, b := range h.Buckets {
		if b.Count >= rank {
			if math.IsInf(b.UpperBound, 1) {
				if i == 0 {
					return math.NaN()
				}
				return h.Buckets[i-1].UpperBound
			}
			inBucket := b.Count - lowerCount
			if inBucket <= 0 {
				return b.UpperBound
			}
			return lowerBound + (b.UpperBound-lowerBound)*(rank-lowerCount)/inBucket
		}
		lowerBound, lowerCount = b.UpperBound, b.Count
	}
	return lowerBound
}

// ScrapeMetrics GETs a /metrics endpoint (https with any certificate, optional bearer token) and parses it.
func ScrapeMetrics(ctx context.Context, url, bearer string) (Metrics, error) {
	code, body, err := httpGetAuth(ctx, url, bearer, 64<<20)
	if err != nil {
		return nil, err
	}
	if code != 200 {
		return nil, fmt.Errorf("GET %s: HTTP %d: %.200s", url, code, body)
	}
	return ParseMetrics(body)
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/<pid>/stat. It is 100 on every Linux
// architecture Go supports for this harness (reading it needs sysconf, i.e. cgo).
const clockTicks = 100

// ProcessCPUSeconds returns user+system CPU time the process has used so far.
func ProcessCPUSeconds(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStatCPU(string(data))
}

// parseProcStatCPU extracts utime+stime (fields 14 and 15) from a /proc/<pid>/stat line. The command name
// (field 2) is in parentheses and may contain spaces, so fields are counted after the last ')'.
func parseProcStatCPU(stat string) (float64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat line")
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state); utime is field 14 -> f[11], stime field 15 -> f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("stat line has %d fields after the name", len(f))
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad utime/stime %q %q", f[11], f[12])
	}
	return (ut + st) / clockTicks, nil
}

// MachineCPU returns the busy and total CPU seconds of the whole machine (all cores) from /proc/stat.
func MachineCPU() (busy, total float64, err error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseMachineCPU(string(data))
}

func parseMachineCPU(stat string) (busy, total float64, err error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	idle := 0.0
	for i, s := range f[1:] {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, 0, err
		}
		if i >= 8 { // guest and guest_nice are already part of user and nice
			break
		}
		total += v
		if i == 3 || i == 4 { // idle, iowait
			idle += v
		}
	}
	return (total - idle) / clockTicks, total / clockTicks, nil
}

// ReadPIDFile reads a <name>.pid file written by StartProcess.
func ReadPIDFile(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}
