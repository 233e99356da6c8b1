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
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
