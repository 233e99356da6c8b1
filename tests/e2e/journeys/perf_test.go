package journeys

// End-to-end scheduling throughput: the real kube-scheduler with its in-tree DynamicResources plugin
// ("stock") vs. kube-scheduler with allot as extender ("allot"), in the same run, on the same control
// plane. A benchmark, not a test: it runs only with E2E_PERF=1 (`make bench-e2e`), results and method in
// docs/perf/e2e.md.
//
// Shape: scheduler_perf's SchedulingWithResourceClaimTemplate (test/integration/scheduler_perf/dra):
// N nodes, one ResourceSlice per node with D devices of test-driver.cdi.k8s.io carrying the attributes
// and capacities of scheduler_perf's resourceslice-basic-devices.yaml, a DeviceClass selecting the
// driver, a ResourceClaimTemplate with one request for one device of that class; P warm-up pods bound
// first (not measured), then M measured pods, each with one claim from the template.
//
// What differs from scheduler_perf, and why (details in docs/perf/e2e.md):
//   - Each variant gets its own kube-scheduler process (profile `perf-stock` / `perf-allot`), started by
//     this test with scheduler_perf's client QPS/burst (5000); the harness's schedulers keep the default
//     50/100, which would cap the stock plugin (two writes per pod) but not allot (allot binds itself).
//   - The harness's kube-controller-manager runs with the default --kube-api-qps=20: its resourceclaim
//     controller creates at most ~10 claims/s. So the measured pods are created with a scheduling gate;
//     the measurement starts when all their claims exist, by removing the gates (16 parallel patches),
//     and ends when the last measured pod is bound. Warm-up pods use claims the test creates from the
//     template's spec (referenced by name), so the warm-up does not wait for the controller either.
//   - allot is stopped during the stock variant (it would otherwise spend CPU following the stock
//     variant's objects on the shared 2 cores) and restarted, synced from scratch, for the allot variant.
//
// Environment:
//
//	E2E_PERF=1          run it (otherwise the test skips)
//	PERF_SIZE           small (default: 50 nodes, 250 + 250 pods), medium (200 nodes, 1,000 + 1,000) or
//	                    full (500 nodes, 2,500 + 2,500 pods: scheduler_perf's 5000pods_500nodes)
//	PERF_NODES, PERF_DEVICES, PERF_INIT_PODS, PERF_PODS   override the size (devices per node default 10)
//	PERF_VARIANTS       order of the variants, default "stock,allot"
//	PERF_STOCK_PERCENTAGE  percentageOfNodesToScore of the stock scheduler (default 100, like the harness;
//	                    0 = kube-scheduler's adaptive default). allot's scheduler always uses 100.
//	PERF_OUT            write the results as JSON to this file
//	PERF_STALL          fail when no pod got bound for this long (default 3m)

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	resourcev1 "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"allot/tests/e2e/harness"
)

const (
	perfDriver   = "test-driver.cdi.k8s.io" // scheduler_perf's driver name
	perfGate     = "allot.e2e/perf-hold"    // scheduling gate holding the measured pods
	perfTemplate = "test-claim-template"
	perfPhase    = "perf-phase" // pod label: init | measured
	perfQPS      = 5000         // client QPS/burst of the test and the perf schedulers (scheduler_perf's)
	perfWorkers  = 16           // parallel API writers of the test
)

type perfConfig struct {
	Size            string   `json:"size"`
	Nodes           int      `json:"nodes"`
	Devices         int      `json:"devicesPerNode"`
	InitPods        int      `json:"initPods"`
	Pods            int      `json:"measuredPods"`
	Variants        []string `json:"variants"`
	StockPercentage int      `json:"stockPercentageOfNodesToScore"`
	Stall           time.Duration
}

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want a non-negative integer", name, v)
	}
	return n, nil
}

func perfConfigFromEnv() (perfConfig, error) {
	c := perfConfig{Size: os.Getenv("PERF_SIZE"), Devices: 10, Stall: 3 * time.Minute}
	switch c.Size {
	case "", "small":
		c.Size, c.Nodes, c.InitPods, c.Pods = "small", 50, 250, 250
	case "medium": // scheduler_perf's 2000pods_200nodes
		c.Nodes, c.InitPods, c.Pods = 200, 1000, 1000
	case "full": // scheduler_perf's 5000pods_500nodes
		c.Nodes, c.InitPods, c.Pods = 500, 2500, 2500
	default:
		return c, fmt.Errorf("PERF_SIZE=%q: want small, medium or full", c.Size)
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *int
	}{{"PERF_NODES", &c.Nodes}, {"PERF_DEVICES", &c.Devices}, {"PERF_INIT_PODS", &c.InitPods}, {"PERF_PODS", &c.Pods}} {
		if *f.dst, err = envInt(f.name, *f.dst); err != nil {
			return c, err
		}
	}
	if c.StockPercentage, err = envInt("PERF_STOCK_PERCENTAGE", 100); err != nil {
		return c, err
	}
	if c.StockPercentage > 100 {
		return c, fmt.Errorf("PERF_STOCK_PERCENTAGE=%d: want 0..100", c.StockPercentage)
	}
	if s := os.Getenv("PERF_STALL"); s != "" {
		if c.Stall, err = time.ParseDuration(s); err != nil {
			return c, fmt.Errorf("PERF_STALL: %w", err)
		}
	}
	c.Variants = []string{Stock, Allot}
	if s := os.Getenv("PERF_VARIANTS"); s != "" {
		c.Variants = nil
		for _, v := range strings.Split(s, ",") {
			v = strings.TrimSpace(v)
			if v != Stock && v != Allot {
				return c, fmt.Errorf("PERF_VARIANTS: unknown variant %q (stock, allot)", v)
			}
			c.Variants = append(c.Variants, v)
		}
	}
	if c.Nodes == 0 || c.Devices == 0 || c.Pods == 0 {
		return c, fmt.Errorf("nodes, devices and measured pods must be > 0 (got %d, %d, %d)", c.Nodes, c.Devices, c.Pods)
	}
	if c.InitPods+c.Pods > c.Nodes*c.Devices {
		return c, fmt.Errorf("%d + %d pods need more devices than %d nodes x %d", c.InitPods, c.Pods, c.Nodes, c.Devices)
	}
	return c, nil
}

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

func TestPerfThroughput(t *testing.T) {
	if os.Getenv("E2E_PERF") == "" {
		t.Skip("benchmark, not a test: set E2E_PERF=1 (make bench-e2e) to run it; see docs/perf/e2e.md")
	}
	cfg, err := perfConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("perf: %d nodes x %d devices, %d warm-up + %d measured pods, variants %v, stock percentageOfNodesToScore %d",
		cfg.Nodes, cfg.Devices, cfg.InitPods, cfg.Pods, cfg.Variants, cfg.StockPercentage)
	var results []*perfResult
	for _, v := range cfg.Variants {
		t.Run(v, func(t *testing.T) {
			skipIfNoAllot(t, v)
			res := &perfResult{Variant: v}
			results = append(results, res) // reported even when the variant fails half-way
			runPerfVariant(t, cfg, res)
		})
	}
	t.Log("\n" + perfReport(cfg, results))
	if out := os.Getenv("PERF_OUT"); out != "" {
		data, _ := json.MarshalIndent(map[string]any{"config": cfg, "results": results, "date": time.Now().UTC().Format(time.RFC3339)}, "", "  ")
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Errorf("PERF_OUT: %v", err)
		}
	}
}

// perfRun is one variant's state.
type perfRun struct {
	*env
	cfg     perfConfig
	fast    kubernetes.Interface // high-QPS client for the test's own writes
	sched   *harness.Process
	schedMx string // the perf scheduler's /metrics URL
	track   *podTracker
}

func runPerfVariant(t *testing.T, cfg perfConfig, res *perfResult) {
	variant := res.Variant
	e := newEnv(t, variant) // for allot: (re)starts allot and waits for /readyz
	if variant == Stock && allotReady {
		cl.StopAllot()
	}
	fastCfg := rest.CopyConfig(cl.AdminConfig)
	fastCfg.QPS, fastCfg.Burst = perfQPS, perfQPS
	fast, err := kubernetes.NewForConfig(fastCfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &perfRun{env: e, cfg: cfg, fast: fast}
	r.startScheduler()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.track = startPodTracker(ctx, t, fast, e.ns)
	t.Cleanup(r.teardown) // runs before env.cleanup (LIFO)

	var runStart harness.Metrics
	if variant == Allot {
		runStart = r.scrapeAllot()
		defer func() { res.AllotRunCounters = allotCounters(runStart, r.scrapeAllot()) }()
	}
	t0 := time.Now()
	r.createCluster()
	res.SetupSeconds = time.Since(t0).Seconds()
	t.Logf("%s: %d nodes and slices created in %.1fs", variant, cfg.Nodes, res.SetupSeconds)

	t0 = time.Now()
	r.createWarmup()
	r.waitBound(perfInit, cfg.InitPods, "warm-up pods")
	res.WarmupSeconds = time.Since(t0).Seconds()
	t.Logf("%s: %d warm-up pods bound in %.1fs", variant, cfg.InitPods, res.WarmupSeconds)

	t0 = time.Now()
	r.createMeasured()
	r.waitClaimsCreated()
	res.ClaimWaitSeconds = time.Since(t0).Seconds()
	t.Logf("%s: %d gated pods and their claims (resourceclaim controller) ready after %.1fs", variant, cfg.Pods, res.ClaimWaitSeconds)
	time.Sleep(2 * time.Second) // let the watchers of scheduler and allot catch up with the last claims

	before := r.snapshot()
	series := &harness.ThroughputSeries{}
	stopSampler := make(chan struct{})
	samplerDone := make(chan struct{})
	go func() { // one sample per second, scheduler_perf style
		defer close(samplerDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case now := <-tick.C:
				series.Observe(now, r.track.bound(perfMeasured))
			case <-stopSampler:
				return
			}
		}
	}()
	start := time.Now()
	res.UngateSeconds = r.ungate()
	last := r.waitBound(perfMeasured, cfg.Pods, "measured pods")
	close(stopSampler)
	<-samplerDone
	after := r.snapshot()

	res.MeasuredSeconds = last.Sub(start).Seconds()
	res.WallPodsPerSec = float64(cfg.Pods) / res.MeasuredSeconds
	res.Throughput = harness.Summarize(series.Samples)
	r.fillMetrics(res, before, after)
	t.Logf("%s: %d pods bound in %.1fs (gates removed in %.1fs): %.1f pods/s wall; samples %d, avg %.1f, p50 %.1f, p90 %.1f",
		variant, cfg.Pods, res.MeasuredSeconds, res.UngateSeconds, res.WallPodsPerSec, res.Throughput.N,
		res.Throughput.Average, res.Throughput.Perc50, res.Throughput.Perc90)

	if res.MeasuredSeconds > 5 && res.Throughput.N == 0 {
		t.Errorf("no throughput samples although the measured phase took %.1fs", res.MeasuredSeconds)
	}
	r.verifyAllocations()
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

// startScheduler starts this variant's own kube-scheduler: the harness's configuration for the variant,
// renamed profile, scheduler_perf's client QPS, less logging.
func (r *perfRun) startScheduler() {
	t := r.t
	cfg := cl.SchedulerConfig(r.variant == Allot)
	name := "perf-" + r.variant
	profile := cfg["profiles"].([]any)[0].(map[string]any)
	profile["schedulerName"] = name
	cfg["clientConnection"] = map[string]any{"kubeconfig": cl.AdminConfigPath, "qps": perfQPS, "burst": perfQPS}
	if r.variant == Stock {
		if r.cfg.StockPercentage == 0 {
			delete(cfg, "percentageOfNodesToScore")
		} else {
			cfg["percentageOfNodesToScore"] = r.cfg.StockPercentage
		}
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	proc := "kube-scheduler-" + name
	cfgPath := filepath.Join(cl.Dir, proc+".json")
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	port, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"kube-scheduler", "--config=" + cfgPath,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", port),
		"--authentication-kubeconfig=" + cl.AdminConfigPath, "--authorization-kubeconfig=" + cl.AdminConfigPath,
		"--v=1"}
	if cl.Opts.FeatureGates != "" {
		args = append(args, "--feature-gates="+cl.Opts.FeatureGates)
	}
	p, err := harness.StartProcess(cl.Dir, proc, cl.Opts.ClusterBin, args...)
	if err != nil {
		t.Fatal(err)
	}
	r.sched = p
	t.Cleanup(func() { p.Stop(10 * time.Second) })
	base := fmt.Sprintf("https://127.0.0.1:%d", port)
	if err := harness.WaitHTTP(p, base+"/healthz", "", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	r.schedMx = base + "/metrics"
	r.scheduler = name
}

// parallel runs fn(0..n-1) on perfWorkers goroutines and returns the first error.
func parallel(n int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < perfWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func (r *perfRun) nodeN(i int) string { return r.nodeName(fmt.Sprintf("n%04d", i)) }

// perfDevices returns scheduler_perf's basic devices (resourceslice-basic-devices.yaml, 2 PCI roots).
func perfDevices(n int) []resourcev1.Device {
	str := func(s string) resourcev1.DeviceAttribute { return resourcev1.DeviceAttribute{StringValue: &s} }
	ver, yes := "1.2.3", true
	out := make([]resourcev1.Device, n)
	for i := range out {
		root := i % 2
		out[i] = resourcev1.Device{
			Name: fmt.Sprintf("basic-device-%d", i),
			Attributes: map[resourcev1.QualifiedName]resourcev1.DeviceAttribute{
				"driver":                          str("xe"),
				"driverVersion":                   {VersionValue: &ver},
				"resource.k8s.io/pciRoot":         str(strconv.Itoa(root)),
				"family":                          str("Arc Pro B-Series"),
				"health":                          str("Healthy"),
				"model":                           str("B60"),
				"pciAddress":                      str(fmt.Sprintf("0000:0%d:00.0", i)),
				"pciId":                           str("0xe211"),
				"pciRoot":                         str(fmt.Sprintf("0%d", root)),
				"resource.kubernetes.io/pciBusID": str(fmt.Sprintf("0000:0%d:00.0", i)),
				"resource.kubernetes.io/pciRoot":  str(fmt.Sprintf("pci0000:0%d", root)),
				"sriov":                           {BoolValue: &yes},
				"type":                            str("gpu"),
			},
			Capacity: map[resourcev1.QualifiedName]resourcev1.DeviceCapacity{
				"memory":     {Value: resource.MustParse("24480Mi")},
				"millicores": {Value: resource.MustParse("1k")},
			},
		}
	}
	return out
}

// createCluster creates the DeviceClass, the nodes (Ready; scheduler_perf's capacity) and one slice each.
func (r *perfRun) createCluster() {
	t, ctx := r.t, r.ctx
	class := r.prefix + "-class"
	r.addClass(&resourcev1.DeviceClass{
		ObjectMeta: metav1.ObjectMeta{Name: class},
		Spec: resourcev1.DeviceClassSpec{Selectors: []resourcev1.DeviceSelector{{
			CEL: &resourcev1.CELDeviceSelector{Expression: fmt.Sprintf("device.driver == %q", perfDriver)},
		}}},
	})
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("4"),
		corev1.ResourceMemory: resource.MustParse("32Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	devices := perfDevices(r.cfg.Devices)
	err := parallel(r.cfg.Nodes, func(i int) error {
		name := r.nodeN(i)
		node, err := r.fast.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name: name, Labels: map[string]string{"kubernetes.io/hostname": name, "e2e.allot/test": r.prefix},
		}}, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create node %s: %w", name, err)
		}
		node.Status = corev1.NodeStatus{
			Capacity: capacity, Allocatable: capacity, Phase: corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
				LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}},
		}
		if _, err := r.fast.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("node %s status: %w", name, err)
		}
		slice := &resourcev1.ResourceSlice{
			ObjectMeta: metav1.ObjectMeta{Name: name + "-slice"},
			Spec: resourcev1.ResourceSliceSpec{
				Driver:   perfDriver,
				NodeName: &name,
				Pool:     resourcev1.ResourcePool{Name: name, Generation: 1, ResourceSliceCount: 1},
				Devices:  devices,
			},
		}
		if _, err := r.fast.ResourceV1().ResourceSlices().Create(ctx, slice, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create slice for %s: %w", name, err)
		}
		return nil
	})
	for i := 0; i < r.cfg.Nodes; i++ { // cleanup deletes whatever exists
		r.nodes = append(r.nodes, r.nodeN(i))
		r.slices = append(r.slices, r.nodeN(i)+"-slice")
	}
	if err != nil {
		t.Fatal(err)
	}
	r.addTemplate(perfTemplate, resourcev1.ResourceClaimSpec{Devices: resourcev1.DeviceClaim{Requests: []resourcev1.DeviceRequest{{
		Name: "req-0", Exactly: &resourcev1.ExactDeviceRequest{DeviceClassName: class},
	}}}})
}

const (
	perfInit     = "init"
	perfMeasured = "measured"
)

// perfPod is scheduler_perf's pod-with-claim-template.yaml (pause container, one claim entry `resource`).
func (r *perfRun) perfPod(name, phase string, claim podClaim, gated bool) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{perfPhase: phase}},
		Spec: corev1.PodSpec{
			SchedulerName: r.scheduler,
			Containers: []corev1.Container{{
				Name: "pause", Image: "registry.k8s.io/pause:3.10.1",
				Resources: corev1.ResourceRequirements{Claims: []corev1.ResourceClaim{{Name: claim.name}}},
			}},
			ResourceClaims:                []corev1.PodResourceClaim{{Name: claim.name}},
			TerminationGracePeriodSeconds: new(int64),
		},
	}
	if claim.claim != "" {
		pod.Spec.ResourceClaims[0].ResourceClaimName = &claim.claim
	} else {
		pod.Spec.ResourceClaims[0].ResourceClaimTemplateName = &claim.template
	}
	if gated {
		pod.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: perfGate}}
	}
	return pod
}

// createWarmup creates P claims with the template's spec and P pods using them by name.
func (r *perfRun) createWarmup() {
	tmpl, err := r.fast.ResourceV1().ResourceClaimTemplates(r.ns).Get(r.ctx, perfTemplate, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	err = parallel(r.cfg.InitPods, func(i int) error {
		name := fmt.Sprintf("init-%05d", i)
		claim := &resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: tmpl.Spec.Spec}
		if _, err := r.fast.ResourceV1().ResourceClaims(r.ns).Create(r.ctx, claim, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create claim %s: %w", name, err)
		}
		_, err := r.fast.CoreV1().Pods(r.ns).Create(r.ctx, r.perfPod(name, perfInit, claimRef("resource", name), false), metav1.CreateOptions{})
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

// createMeasured creates M gated pods whose claims come from the template (resourceclaim controller).
func (r *perfRun) createMeasured() {
	err := parallel(r.cfg.Pods, func(i int) error {
		pod := r.perfPod(fmt.Sprintf("pod-%05d", i), perfMeasured, templateRef("resource", perfTemplate), true)
		_, err := r.fast.CoreV1().Pods(r.ns).Create(r.ctx, pod, metav1.CreateOptions{})
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

// waitClaimsCreated waits until the controller has created every measured pod's claim and recorded it in
// the pod's status (it writes the status after creating the claim).
func (r *perfRun) waitClaimsCreated() {
	limit := time.Duration(r.cfg.Pods)*200*time.Millisecond + 3*time.Minute
	deadline := time.Now().Add(limit)
	lastLog := time.Now()
	for r.track.withClaims() < r.cfg.Pods {
		if time.Now().After(deadline) {
			r.t.Fatalf("only %d of %d measured pods have their claim after %v%s", r.track.withClaims(), r.cfg.Pods, limit, r.diagnostics())
		}
		if time.Since(lastLog) > 30*time.Second {
			r.t.Logf("%s: %d/%d claims created", r.variant, r.track.withClaims(), r.cfg.Pods)
			lastLog = time.Now()
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// ungate removes the scheduling gate from every measured pod (parallel JSON patches); returns seconds.
func (r *perfRun) ungate() float64 {
	start := time.Now()
	patch := []byte(`[{"op":"remove","path":"/spec/schedulingGates"}]`)
	err := parallel(r.cfg.Pods, func(i int) error {
		_, err := r.fast.CoreV1().Pods(r.ns).Patch(r.ctx, fmt.Sprintf("pod-%05d", i), types.JSONPatchType, patch, metav1.PatchOptions{})
		return err
	})
	if err != nil {
		r.t.Fatalf("remove scheduling gates: %v", err)
	}
	return time.Since(start).Seconds()
}

// waitBound waits until n pods of the phase are bound; fails when none got bound for cfg.Stall. Returns
// when the last one was seen bound.
func (r *perfRun) waitBound(phase string, n int, what string) time.Time {
	lastCount, lastProgress, lastLog := -1, time.Now(), time.Now()
	for {
		c := r.track.bound(phase)
		if c >= n {
			return r.track.lastBind(phase)
		}
		if c != lastCount {
			lastCount, lastProgress = c, time.Now()
		}
		if err := cl.CheckAlive(); err != nil {
			r.t.Fatalf("control plane: %v", err)
		}
		if exited, err := r.sched.Exited(); exited {
			r.t.Fatalf("%s exited (%v):\n%s", r.sched.Name, err, r.sched.Tail(3000))
		}
		if r.variant == Allot && !allotAlive() {
			r.t.Fatalf("%s: allot is no longer running (crashed? a segfault shows in dmesg); %d of %d bound; log tail:\n%s",
				what, c, n, cl.AllotLogTail(2000))
		}
		if time.Since(lastProgress) > r.cfg.Stall {
			r.t.Fatalf("%s: %d of %d bound, none for %v; pending: %s%s", what, c, n, r.cfg.Stall, r.pendingSample(phase), r.diagnostics())
		}
		if time.Since(lastLog) > 30*time.Second {
			r.t.Logf("%s: %s %d/%d bound", r.variant, what, c, n)
			lastLog = time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// allotAlive reports whether the allot process the harness started (its pid file) still runs.
func allotAlive() bool {
	pid, err := harness.ReadPIDFile(filepath.Join(cl.Dir, "allot.pid"))
	if err != nil {
		return false
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// Field 3 (after the parenthesised name) is the state; Z = exited, not yet reaped.
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}

// pendingSample describes up to three unbound pods of the phase.
func (r *perfRun) pendingSample(phase string) string {
	pods, err := r.fast.CoreV1().Pods(r.ns).List(r.ctx, metav1.ListOptions{LabelSelector: perfPhase + "=" + phase})
	if err != nil {
		return err.Error()
	}
	var out []string
	for i := range pods.Items {
		if p := &pods.Items[i]; p.Spec.NodeName == "" && len(out) < 3 {
			out = append(out, p.Name+": "+scheduledCondition(p))
		}
	}
	return strings.Join(out, "; ")
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

// verifyAllocations checks the outcome of both phases: every pod bound, every claim allocated with one
// device on its pod's node and reserved for it, and no device allocated twice.
func (r *perfRun) verifyAllocations() {
	t := r.t
	pods, err := r.fast.CoreV1().Pods(r.ns).List(r.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	podNode := map[types.UID]string{}
	for _, p := range pods.Items {
		if p.Spec.NodeName == "" {
			t.Errorf("pod %s not bound", p.Name)
		}
		podNode[p.UID] = p.Spec.NodeName
	}
	claims, err := r.fast.ResourceV1().ResourceClaims(r.ns).List(r.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := r.cfg.InitPods + r.cfg.Pods; len(pods.Items) != want || len(claims.Items) != want {
		t.Fatalf("%d pods and %d claims in %s, want %d of each", len(pods.Items), len(claims.Items), r.ns, want)
	}
	used := map[string]*resourcev1.ResourceClaim{}
	bad := 0
	for _, c := range claims.Items {
		a := c.Status.Allocation
		var problem string
		switch {
		case a == nil || len(a.Devices.Results) != 1:
			problem = "not allocated with exactly one device"
		case len(c.Status.ReservedFor) != 1:
			problem = "reservedFor " + reservedNames(&c)
		case podNode[c.Status.ReservedFor[0].UID] != selectorNode(a):
			problem = fmt.Sprintf("allocated on %q, pod on %q", selectorNode(a), podNode[c.Status.ReservedFor[0].UID])
		case a.Devices.Results[0].Pool != selectorNode(a):
			problem = "device of pool " + a.Devices.Results[0].Pool + " for node " + selectorNode(a)
		}
		if problem == "" {
			d := a.Devices.Results[0]
			key := d.Driver + "/" + d.Pool + "/" + d.Device
			if other, dup := used[key]; dup {
				problem = "device " + key + " also allocated to " + other.Name + "\n" + claimHistory(other) + "\n" + claimHistory(&c)
			}
			used[key] = &c
		}
		if problem != "" {
			if bad++; bad <= 5 {
				t.Errorf("claim %s: %s", c.Name, problem)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d claims wrong", bad, len(claims.Items))
	}
}

// claimHistory describes who wrote a claim when (managedFields), for diagnosing a double allocation.
func claimHistory(c *resourcev1.ResourceClaim) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s rv=%s created=%s reservedFor=%s", c.Name, c.ResourceVersion, c.CreationTimestamp.Format("15:04:05"), reservedNames(c))
	for _, m := range c.ManagedFields {
		ts := ""
		if m.Time != nil {
			ts = m.Time.Format("15:04:05")
		}
		fmt.Fprintf(&b, "; %s %s %s %s", m.Manager, m.Operation, m.Subresource, ts)
	}
	return b.String()
}

// teardown stops the perf scheduler, then removes pods and claims quickly: no kubelet and a rate-limited
// claim controller would take minutes, so the test drops the claims' finalizers itself (the pods are
// gone, nothing uses the devices). env.cleanup then deletes the namespace, slices, nodes and class.
func (r *perfRun) teardown() {
	r.sched.Stop(10 * time.Second)
	ctx := context.Background()
	zero := int64(0)
	_ = r.fast.CoreV1().Pods(r.ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{})
	_ = r.fast.ResourceV1().ResourceClaims(r.ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		claims, err := r.fast.ResourceV1().ResourceClaims(r.ns).List(ctx, metav1.ListOptions{})
		if err == nil && len(claims.Items) == 0 {
			break
		}
		if err == nil {
			_ = parallel(len(claims.Items), func(i int) error {
				if len(claims.Items[i].Finalizers) > 0 {
					_, err := r.fast.ResourceV1().ResourceClaims(r.ns).Patch(ctx, claims.Items[i].Name, types.MergePatchType,
						[]byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
					if apierrors.IsNotFound(err) {
						err = nil
					}
					_ = err // best effort; the loop retries
				}
				return nil
			})
		}
		time.Sleep(500 * time.Millisecond)
	}
	// Nodes and slices in parallel; env.cleanup's one-by-one deletes then find nothing left.
	_ = parallel(len(r.nodes), func(i int) error {
		_ = r.fast.ResourceV1().ResourceSlices().Delete(ctx, r.slices[i], metav1.DeleteOptions{})
		_ = r.fast.CoreV1().Nodes().Delete(ctx, r.nodes[i], metav1.DeleteOptions{})
		return nil
	})
	r.nodes, r.slices = nil, nil
}

// podTracker follows the namespace's pods through an informer: how many of each phase are bound and when
// the last was, and how many measured pods have their generated claim recorded.
type podTracker struct {
	mu        sync.Mutex
	boundSet  map[string]bool
	counts    map[string]int
	last      map[string]time.Time
	claimsSet map[string]bool
}

func startPodTracker(ctx context.Context, t *testing.T, c kubernetes.Interface, ns string) *podTracker {
	pt := &podTracker{boundSet: map[string]bool{}, counts: map[string]int{}, last: map[string]time.Time{}, claimsSet: map[string]bool{}}
	factory := informers.NewSharedInformerFactoryWithOptions(c, 0, informers.WithNamespace(ns))
	inf := factory.Core().V1().Pods().Informer()
	on := func(obj any) {
		p, ok := obj.(*corev1.Pod)
		if !ok {
			return
		}
		now := time.Now()
		pt.mu.Lock()
		defer pt.mu.Unlock()
		if p.Spec.NodeName != "" && !pt.boundSet[p.Name] {
			pt.boundSet[p.Name] = true
			phase := p.Labels[perfPhase]
			pt.counts[phase]++
			pt.last[phase] = now
		}
		if len(p.Status.ResourceClaimStatuses) > 0 && p.Status.ResourceClaimStatuses[0].ResourceClaimName != nil {
			pt.claimsSet[p.Name] = true
		}
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    on,
		UpdateFunc: func(_, obj any) { on(obj) },
	}); err != nil {
		t.Fatal(err)
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		t.Fatal("pod informer did not sync")
	}
	return pt
}

func (pt *podTracker) bound(phase string) int {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return pt.counts[phase]
}

func (pt *podTracker) lastBind(phase string) time.Time {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return pt.last[phase]
}

func (pt *podTracker) withClaims() int {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return len(pt.claimsSet)
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
