package harness

import (
	"math"
	"testing"
	"time"
)

func TestPerfThroughputSeries(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var s ThroughputSeries
	at := func(sec float64, count int) { s.Observe(t0.Add(time.Duration(sec*float64(time.Second))), count) }
	at(1, 0)  // nothing bound yet: ignored
	at(2, 5)  // baseline only
	at(3, 15) // 10 pods in 1 s
	at(4, 15) // no progress: folded into the next sample
	at(5, 15)
	at(6, 45) // 30 pods in 3 s -> 10 pods/s, recorded 3 times
	at(6.5, 50)
	want := []float64{10, 10, 10, 10, 10}
	if len(s.Samples) != len(want) {
		t.Fatalf("samples %v, want %v", s.Samples, want)
	}
	for i := range want {
		if s.Samples[i] != want[i] {
			t.Fatalf("samples %v, want %v", s.Samples, want)
		}
	}
}

func TestPerfSummarize(t *testing.T) {
	got := Summarize([]float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6})
	if got.N != 10 || got.Average != 5.5 || got.Perc50 != 5 || got.Perc90 != 9 || got.Perc99 != 10 {
		t.Fatalf("Summarize = %+v", got)
	}
	if z := Summarize(nil); z.N != 0 || z.Average != 0 {
		t.Fatalf("Summarize(nil) = %+v", z)
	}
}

const sampleScrape = `# HELP allot_http_request_duration_seconds Wall time
# TYPE allot_http_request_duration_seconds histogram
allot_http_request_duration_seconds_bucket{route="filter",le="0.001"} 2
allot_http_request_duration_seconds_bucket{route="filter",le="0.01"} 6
allot_http_request_duration_seconds_bucket{route="filter",le="+Inf"} 8
allot_http_request_duration_seconds_sum{route="filter"} 0.5
allot_http_request_duration_seconds_count{route="filter"} 8
allot_http_request_duration_seconds_bucket{route="bind",le="0.001"} 0
allot_http_request_duration_seconds_bucket{route="bind",le="0.01"} 1
allot_http_request_duration_seconds_bucket{route="bind",le="+Inf"} 1
allot_http_request_duration_seconds_sum{route="bind"} 0.004
allot_http_request_duration_seconds_count{route="bind"} 1
allot_extender_requests_total{verb="filter",result="ok"} 7
allot_extender_requests_total{verb="filter",result="error"} 1
odd_total{msg="a \"quoted\", {braced} value\\n"} 3 1700000000000
plain_gauge 4.5e+00
`

func TestPerfParseMetrics(t *testing.T) {
	m, err := ParseMetrics(sampleScrape)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Sum("allot_extender_requests_total", map[string]string{"verb": "filter"}); got != 8 {
		t.Fatalf("filter requests = %v, want 8", got)
	}
	if got := m.Sum("allot_extender_requests_total", map[string]string{"result": "error"}); got != 1 {
		t.Fatalf("errors = %v, want 1", got)
	}
	if got := m.Sum("plain_gauge", nil); got != 4.5 {
		t.Fatalf("plain_gauge = %v", got)
	}
	if s := m["odd_total"]; len(s) != 1 || s[0].Labels["msg"] != `a "quoted", {braced} value\n` || s[0].Value != 3 {
		t.Fatalf("odd_total = %+v", s)
	}
	if got := m.LabelValues("allot_http_request_duration_seconds_count", "route"); len(got) != 2 || got[0] != "bind" || got[1] != "filter" {
		t.Fatalf("routes = %v", got)
	}

	h := m.Histogram("allot_http_request_duration_seconds", map[string]string{"route": "filter"})
	if h.Count != 8 || h.Sum != 0.5 || len(h.Buckets) != 3 || !math.IsInf(h.Buckets[2].UpperBound, 1) {
		t.Fatalf("histogram = %+v", h)
	}
	if got := h.Mean(); got != 0.0625 {
		t.Fatalf("mean = %v", got)
	}
	// rank 4 of 8 lies in (0.001, 0.01] holding 4 observations: 0.001 + 0.009*(4-2)/4.
	if got := h.Quantile(0.5); math.Abs(got-0.0055) > 1e-12 {
		t.Fatalf("p50 = %v, want 0.0055", got)
	}
	if got := h.Quantile(0.99); got != 0.01 { // in +Inf: the highest finite bound
		t.Fatalf("p99 = %v, want 0.01", got)
	}

	all := m.Histogram("allot_http_request_duration_seconds", nil)
	if all.Count != 9 || all.Buckets[1].Count != 7 {
		t.Fatalf("aggregated histogram = %+v", all)
	}
	delta := all.Sub(h)
	if delta.Count != 1 || delta.Buckets[0].Count != 0 || delta.Buckets[1].Count != 1 || math.Abs(delta.Sum-0.004) > 1e-12 {
		t.Fatalf("delta = %+v", delta)
	}
	if !math.IsNaN((Histogram{}).Quantile(0.5)) {
		t.Fatal("empty histogram quantile should be NaN")
	}
}

func TestPerfParseMetricsErrors(t *testing.T) {
	for _, bad := range []string{`x{a="1"`, `x{a=1} 2`, `x`, `x{a="1"} notanumber`} {
		if _, err := ParseMetrics(bad + "\n"); err == nil {
			t.Errorf("ParseMetrics(%q) succeeded, want an error", bad)
		}
	}
}

func TestPerfProcStat(t *testing.T) {
	// Field 2 with spaces and a ')' inside; utime=250, stime=50 ticks.
	line := "1234 (kube sched) er) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 0 0"
	got, err := parseProcStatCPU(line)
	if err != nil || got != 3.0 {
		t.Fatalf("parseProcStatCPU = %v, %v; want 3", got, err)
	}
	busy, total, err := parseMachineCPU("cpu  100 10 40 800 50 0 0 0 7 0\ncpu0 1 2 3\n")
	if err != nil || busy != 1.5 || total != 10 {
		t.Fatalf("parseMachineCPU = %v %v %v; want 1.5 10", busy, total, err)
	}
	if _, err := ProcessCPUSeconds(1); err != nil {
		t.Skipf("no /proc/1/stat here: %v", err)
	}
}
