package journeys

// Measurements of the throughput benchmark (perf_test.go): scrapes of the scheduler's and allot's
// metrics and of CPU time around the measured phase, their differences, and the Markdown report.

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"allot/tests/e2e/harness"
)

// verbLatency is one allot verb's latency over the measured phase (from allot's histograms).
type verbLatency struct {
	Requests float64 `json:"requests"`
	MeanMs   float64 `json:"meanMs"`
	P50Ms    float64 `json:"p50Ms"`
	P90Ms    float64 `json:"p90Ms"`
	P99Ms    float64 `json:"p99Ms"`
}

func latencyOf(h harness.Histogram) verbLatency {
	ms := func(v float64) float64 {
		if math.IsNaN(v) {
			return 0
		}
		return v * 1000
	}
	return verbLatency{Requests: h.Count, MeanMs: ms(h.Mean()), P50Ms: ms(h.Quantile(0.5)), P90Ms: ms(h.Quantile(0.9)), P99Ms: ms(h.Quantile(0.99))}
}

type perfResult struct {
	Variant          string                  `json:"variant"`
	Throughput       harness.ThroughputStats `json:"throughput"`
	WallPodsPerSec   float64                 `json:"wallPodsPerSec"` // measured pods / (last bind - first ungate)
	MeasuredSeconds  float64                 `json:"measuredSeconds"`
	UngateSeconds    float64                 `json:"ungateSeconds"`
	WarmupSeconds    float64                 `json:"warmupSeconds"`
	ClaimWaitSeconds float64                 `json:"claimWaitSeconds"`
	SetupSeconds     float64                 `json:"setupSeconds"`
	// CPU seconds per component during the measured phase, and the machine's busy/total CPU seconds.
	CPU        map[string]float64 `json:"cpuSeconds"`
	MachineCPU [2]float64         `json:"machineBusyTotalSeconds"`
	LoadAvg    string             `json:"loadavgAfter"`
	// Scheduler: attempts by result, and mean ms per extension point / scheduling attempt.
	Attempts        map[string]float64     `json:"scheduleAttempts"`
	ExtensionPoints map[string]verbLatency `json:"extensionPoints"`
	AttemptLatency  verbLatency            `json:"schedulingAttempt"`
	// allot only: per-verb HTTP latency and allocation time, request results.
	AllotVerbs      map[string]verbLatency `json:"allotVerbs,omitempty"`
	AllotAllocation map[string]verbLatency `json:"allotAllocation,omitempty"`
	AllotRequests   map[string]float64     `json:"allotRequests,omitempty"`
	AllotAPI        map[string]verbLatency `json:"allotApiserver,omitempty"`
	// allot only: counters over the whole variant (setup, warm-up and measured phase).
	AllotRunCounters map[string]float64 `json:"allotRunCounters,omitempty"`
}

func (r *perfRun) scrapeAllot() harness.Metrics {
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", cl.AllotPort)
	m, err := harness.ScrapeMetrics(ctx, url, "")
	if err != nil {
		r.t.Errorf("scrape %s: %v", url, err)
	}
	return m
}

// perfSnapshot is what is read right before and after the measured phase.
type perfSnapshot struct {
	sched, allot harness.Metrics
	cpu          map[string]float64
	busy, total  float64
}

// perfComponents are the processes whose CPU time is reported: the run dir's pid files.
func (r *perfRun) perfComponents() map[string]int {
	out := map[string]int{"e2e test (client, informer)": os.Getpid(), r.sched.Name + " (measured)": r.sched.PID()}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler-stock", "kube-scheduler-allot", "allot"} {
		if name == "allot" && r.variant != Allot {
			continue
		}
		if pid, err := harness.ReadPIDFile(filepath.Join(cl.Dir, name+".pid")); err == nil {
			out[name] = pid
		}
	}
	return out
}

func (r *perfRun) snapshot() perfSnapshot {
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	s := perfSnapshot{cpu: map[string]float64{}}
	var err error
	if s.sched, err = harness.ScrapeMetrics(ctx, r.schedMx, cl.AdminToken); err != nil {
		r.t.Fatalf("scrape %s: %v", r.schedMx, err)
	}
	if r.variant == Allot {
		s.allot = r.scrapeAllot()
	}
	for name, pid := range r.perfComponents() {
		if v, err := harness.ProcessCPUSeconds(pid); err == nil {
			s.cpu[name] = v
		}
	}
	s.busy, s.total, _ = harness.MachineCPU()
	return s
}

func (r *perfRun) fillMetrics(res *perfResult, before, after perfSnapshot) {
	res.CPU = map[string]float64{}
	for name, v := range after.cpu {
		res.CPU[name] = v - before.cpu[name]
	}
	res.MachineCPU = [2]float64{after.busy - before.busy, after.total - before.total}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.LoadAvg = strings.TrimSpace(string(data))
	}
	profile := map[string]string{"profile": r.scheduler}
	res.Attempts = map[string]float64{}
	for _, result := range after.sched.LabelValues("scheduler_schedule_attempts_total", "result") {
		m := map[string]string{"profile": r.scheduler, "result": result}
		res.Attempts[result] = after.sched.Sum("scheduler_schedule_attempts_total", m) - before.sched.Sum("scheduler_schedule_attempts_total", m)
	}
	const attempt = "scheduler_scheduling_attempt_duration_seconds"
	res.AttemptLatency = latencyOf(after.sched.Histogram(attempt, profile).Sub(before.sched.Histogram(attempt, profile)))
	const ext = "scheduler_framework_extension_point_duration_seconds"
	res.ExtensionPoints = map[string]verbLatency{}
	for _, point := range after.sched.LabelValues(ext+"_count", "extension_point") {
		m := map[string]string{"profile": r.scheduler, "extension_point": point}
		if l := latencyOf(after.sched.Histogram(ext, m).Sub(before.sched.Histogram(ext, m))); l.Requests > 0 {
			res.ExtensionPoints[point] = l
		}
	}
	if r.variant != Allot {
		return
	}
	res.AllotVerbs, res.AllotAllocation, res.AllotAPI = map[string]verbLatency{}, map[string]verbLatency{}, map[string]verbLatency{}
	delta := func(name string, m map[string]string) verbLatency {
		return latencyOf(after.allot.Histogram(name, m).Sub(before.allot.Histogram(name, m)))
	}
	for _, verb := range []string{"filter", "prioritize", "bind"} {
		res.AllotVerbs[verb] = delta("allot_http_request_duration_seconds", map[string]string{"route": verb})
	}
	for _, phase := range after.allot.LabelValues("allot_allocation_duration_seconds_count", "phase") {
		res.AllotAllocation[phase] = delta("allot_allocation_duration_seconds", map[string]string{"phase": phase})
	}
	for _, verb := range after.allot.LabelValues("allot_apiserver_request_duration_seconds_count", "verb") {
		if l := delta("allot_apiserver_request_duration_seconds", map[string]string{"verb": verb}); l.Requests > 0 && verb != "watch" {
			res.AllotAPI[verb] = l
		}
	}
	res.AllotRequests = allotCounters(before.allot, after.allot)
}

// allotCounters returns the change of allot's request, bind, reservation and watch counters.
func allotCounters(before, after harness.Metrics) map[string]float64 {
	out := map[string]float64{}
	for _, s := range after["allot_extender_requests_total"] {
		key := s.Labels["verb"] + "/" + s.Labels["result"]
		out[key] = s.Value - before.Sum("allot_extender_requests_total", s.Labels)
	}
	for _, c := range []struct{ metric, prefix, label string }{
		{"allot_bind_total", "bind_result/", "result"},
		{"allot_reservations_released_total", "reservations_released/", "reason"},
		{"allot_bind_undo_total", "bind_undo/", "result"},
		{"allot_bind_claim_update_retries_total", "bind_claim_retries", ""},
		{"allot_watch_lists_total", "watch_lists/", "reason"},
		{"allot_filter_pods_total", "filter_pods/", "result"},
	} {
		for _, s := range after[c.metric] {
			key := c.prefix + s.Labels[c.label]
			out[key] += s.Value - before.Sum(c.metric, s.Labels)
		}
	}
	return out
}

// perfReport renders the results as Markdown tables (also the source of docs/perf/e2e.md).
func perfReport(cfg perfConfig, results []*perfResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d nodes x %d devices, %d warm-up + %d measured pods\n\n", cfg.Nodes, cfg.Devices, cfg.InitPods, cfg.Pods)
	b.WriteString("| variant | pods/s avg | p50 | p90 | wall pods/s | measured s | samples | ratio (avg) |\n|---|---|---|---|---|---|---|---|\n")
	var stockAvg float64
	for _, r := range results {
		if r.Variant == Stock {
			stockAvg = r.Throughput.Average
		}
	}
	for _, r := range results {
		ratio := "-"
		if stockAvg > 0 {
			ratio = fmt.Sprintf("%.2f", r.Throughput.Average/stockAvg)
		}
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %s |\n", r.Variant, r.Throughput.Average, r.Throughput.Perc50,
			r.Throughput.Perc90, r.WallPodsPerSec, r.MeasuredSeconds, r.Throughput.N, ratio)
	}
	for _, r := range results {
		fmt.Fprintf(&b, "\n%s: attempts %v; scheduling attempt mean %.2f ms p90 %.2f ms\n", r.Variant, sortedMap(r.Attempts), r.AttemptLatency.MeanMs, r.AttemptLatency.P90Ms)
		fmt.Fprintf(&b, "  extension points (mean ms, count):")
		for _, k := range sortedKeys(r.ExtensionPoints) {
			fmt.Fprintf(&b, " %s %.2f (%.0f)", k, r.ExtensionPoints[k].MeanMs, r.ExtensionPoints[k].Requests)
		}
		fmt.Fprintf(&b, "\n  CPU s during measured phase (machine busy %.1f of %.1f):", r.MachineCPU[0], r.MachineCPU[1])
		for _, k := range sortedKeys(r.CPU) {
			fmt.Fprintf(&b, " %s %.1f;", k, r.CPU[k])
		}
		fmt.Fprintf(&b, "\n  setup %.1fs, warm-up %.1fs, claim wait %.1fs, ungate %.1fs, loadavg %s\n", r.SetupSeconds, r.WarmupSeconds, r.ClaimWaitSeconds, r.UngateSeconds, r.LoadAvg)
		if r.AllotVerbs != nil {
			b.WriteString("\n| allot verb | requests | mean ms | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|---|---|\n")
			for _, v := range []string{"filter", "prioritize", "bind"} {
				l := r.AllotVerbs[v]
				fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f |\n", v, l.Requests, l.MeanMs, l.P50Ms, l.P90Ms, l.P99Ms)
			}
			for _, k := range sortedKeys(r.AllotAllocation) {
				l := r.AllotAllocation[k]
				fmt.Fprintf(&b, "| allocation (%s) | %.0f | %.2f | %.2f | %.2f | %.2f |\n", k, l.Requests, l.MeanMs, l.P50Ms, l.P90Ms, l.P99Ms)
			}
			for _, k := range sortedKeys(r.AllotAPI) {
				l := r.AllotAPI[k]
				fmt.Fprintf(&b, "| API %s | %.0f | %.2f | %.2f | %.2f | %.2f |\n", k, l.Requests, l.MeanMs, l.P50Ms, l.P90Ms, l.P99Ms)
			}
			fmt.Fprintf(&b, "allot counters, measured phase: %v\n", sortedMap(r.AllotRequests))
		}
		if r.AllotRunCounters != nil {
			fmt.Fprintf(&b, "allot counters, whole variant: %v\n", sortedMap(r.AllotRunCounters))
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedMap(m map[string]float64) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%.0f", k, m[k]))
	}
	return strings.Join(parts, " ")
}
