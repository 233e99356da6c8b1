// `bench` mode: time the reference allocator on one workload file.
//
// A workload file is either a scenario file (FORMAT.md; one node) or a
// cluster file (docs/perf/README.md "Cluster files"; many nodes built from a
// slice template). The timing loop mirrors what kube-scheduler does for one
// pod: NewAllocator once (PreFilter: allocated state + all slices), then
// Allocate once per candidate node (Filter). ns_per_op is the median over
// runs of the mean time of one Allocate call for one node; NewAllocator is
// timed separately; -max-nodes restricts the timed Allocate calls to an evenly
// spaced sample of nodes (NewAllocator still gets every node's slices, so the
// per-node cost is that of the full cluster). The allocated state is built outside the timed region
// (the scheduler keeps it incrementally).
//
// Single-threaded, like one scheduling cycle. Prints one JSON object.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	resourceapi "k8s.io/api/resource/v1"
	"k8s.io/dynamic-resource-allocation/structured"
)

// BenchOptions control the timing loop.
type BenchOptions struct {
	Runs      int           // timed runs; the median is reported
	RunTarget time.Duration // minimum wall time of one run (iterations scale up to reach it)
	Channel   string        // preferred implementation; falls back to NewAllocator's choice when it lacks a feature
	Timeout   time.Duration // per Allocate call in the untimed first pass (kube-scheduler's Filter default is 10s)
	MaxNodes  int           // >0: time Allocate on this many evenly spaced nodes only (all slices stay in)
}

// BenchResult is printed as JSON; compare.sh reads ns_per_op and outcome.
type BenchResult struct {
	Workload         string                         `json:"workload"`
	Kind             string                         `json:"kind"`
	Channel          string                         `json:"channel"`
	Nodes            int                            `json:"nodes"`
	NodesTimed       int                            `json:"nodes_timed"`
	NsPerOp          int64                          `json:"ns_per_op"`
	NsPerOpMin       int64                          `json:"ns_per_op_min"`
	NsPerOpMax       int64                          `json:"ns_per_op_max"`
	NewAllocatorNs   int64                          `json:"new_allocator_ns"`
	PodCycleNs       int64                          `json:"pod_cycle_ns"`
	Runs             int                            `json:"runs"`
	Iterations       int                            `json:"iterations_per_run"`
	Outcome          string                         `json:"outcome"`
	Error            string                         `json:"error,omitempty"`
	FeasibleNodes    int                            `json:"feasible_nodes"`
	TimedOut         bool                           `json:"timed_out,omitempty"`
	AllocateOneCalls int64                          `json:"allocate_one_calls,omitempty"`
	MatchesExpect    *bool                          `json:"matches_expect,omitempty"`
	Results          []resourceapi.AllocationResult `json:"results,omitempty"`
	GoVersion        string                         `json:"go_version"`
	GoMaxProcs       int                            `json:"gomaxprocs"`
}

// benchInput is the allocator input shared by both file kinds.
type benchInput struct {
	name     string
	kind     string
	features structured.Features
	state    structured.AllocatedState
	classes  []*resourceapi.DeviceClass
	slices   []*resourceapi.ResourceSlice
	claims   []*resourceapi.ResourceClaim
	nodes    []*v1.Node
	expect   *Expectation
}

func loadBenchInput(path string) (*benchInput, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probe struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if probe.Kind == "cluster" {
		return loadCluster(path, data)
	}
	s, err := LoadScenario(path)
	if err != nil {
		return nil, err
	}
	f, err := ParseFeatures(s.Features)
	if err != nil {
		return nil, err
	}
	exp := s.Expect
	return &benchInput{
		name: s.Name, kind: "scenario", features: f,
		state:   BuildAllocatedState(s.AllocatedClaims, f),
		classes: s.DeviceClasses, slices: s.ResourceSlices, claims: s.Claims,
		nodes: []*v1.Node{MakeNode(s.Node)}, expect: &exp,
	}, nil
}

// RunBench times one workload and returns the result.
func RunBench(path string, opt BenchOptions) (*BenchResult, error) {
	in, err := loadBenchInput(path)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	lister := classLister{in.classes}
	cache := NewCELCache(10, in.features) // kube-scheduler's DRA plugin uses a small shared cache too

	newAlloc := func() (structured.Allocator, error) {
		return structured.NewAllocator(ctx, in.features, in.state, lister, in.slices, cache)
	}
	defer structured.EnableAllocators()
	alloc, err := newAllocatorPreferring(opt.Channel, newAlloc)
	if err != nil {
		return nil, fmt.Errorf("NewAllocator: %w", err)
	}
	res := &BenchResult{
		Workload: in.name, Kind: in.kind, Channel: channelOf(alloc), Nodes: len(in.nodes),
		GoVersion: runtime.Version(), GoMaxProcs: runtime.GOMAXPROCS(0),
	}
	totalNodes := len(in.nodes)
	if opt.MaxNodes > 0 && totalNodes > opt.MaxNodes {
		sample := make([]*v1.Node, 0, opt.MaxNodes)
		for i := 0; i < opt.MaxNodes; i++ {
			sample = append(sample, in.nodes[i*totalNodes/opt.MaxNodes])
		}
		in.nodes = sample
	}
	res.NodesTimed = len(in.nodes)

	// One untimed pass: outcome, results of the first feasible node, warm-up.
	var firstResults []resourceapi.AllocationResult
	var firstErr error
	for i, node := range in.nodes {
		callCtx, cancel := context.WithTimeout(ctx, opt.Timeout)
		r, err := alloc.Allocate(callCtx, node, in.claims)
		timedOut := callCtx.Err() != nil
		cancel()
		if i == 0 {
			firstResults, firstErr = r, err
			res.AllocateOneCalls = allocateOneCalls(alloc)
		}
		if timedOut {
			// Like kube-scheduler after its Filter timeout: the node is
			// unschedulable; timing the rest would only measure the timeout.
			res.TimedOut = true
			res.Outcome = "error"
			res.Error = err.Error()
			res.NsPerOp = opt.Timeout.Nanoseconds()
			return res, nil
		}
		if err == nil && len(r) > 0 {
			res.FeasibleNodes++
		}
	}
	res.Outcome = Outcome(firstResults, firstErr)
	if firstErr != nil {
		res.Error = firstErr.Error()
	}
	res.Results = firstResults
	if in.expect != nil && in.expect.Outcome != "" {
		reason, _ := CompareWithExpect(*in.expect, false, firstResults, firstErr)
		ok := reason == ""
		res.MatchesExpect = &ok
		if !ok {
			fmt.Fprintf(os.Stderr, "%s: reference disagrees with expect: %s\n", in.name, reason)
		}
	}

	// Calibrate: iterations per run so that one run lasts about RunTarget.
	passNs := timePass(ctx, alloc, in)
	iters := 1
	if passNs > 0 && time.Duration(passNs) < opt.RunTarget {
		iters = int(int64(opt.RunTarget) / passNs)
	}
	res.Iterations = iters
	res.Runs = opt.Runs

	perOp := make([]int64, 0, opt.Runs)
	for r := 0; r < opt.Runs; r++ {
		start := time.Now()
		for it := 0; it < iters; it++ {
			timePassNoClock(ctx, alloc, in)
		}
		elapsed := time.Since(start).Nanoseconds()
		perOp = append(perOp, elapsed/int64(iters*len(in.nodes)))
	}
	sort.Slice(perOp, func(i, j int) bool { return perOp[i] < perOp[j] })
	res.NsPerOp = perOp[len(perOp)/2]
	res.NsPerOpMin = perOp[0]
	res.NsPerOpMax = perOp[len(perOp)-1]

	// NewAllocator cost: median of Runs calls (at least 3).
	n := opt.Runs
	if n < 3 {
		n = 3
	}
	newNs := make([]int64, 0, n)
	for r := 0; r < n; r++ {
		start := time.Now()
		if _, err := newAlloc(); err != nil {
			return nil, err
		}
		newNs = append(newNs, time.Since(start).Nanoseconds())
	}
	sort.Slice(newNs, func(i, j int) bool { return newNs[i] < newNs[j] })
	res.NewAllocatorNs = newNs[len(newNs)/2]
	res.PodCycleNs = res.NewAllocatorNs + res.NsPerOp*int64(totalNodes)
	return res, nil
}

// allocateOneCalls reads the reference's own search-step counter
// (internal.Stats.NumAllocateOneInvocations, exposed by GetStats on the
// incubating and experimental implementations) through reflection, because
// the interface lives in an internal package. 0 when unavailable.
func allocateOneCalls(alloc structured.Allocator) int64 {
	m := reflect.ValueOf(alloc).MethodByName("GetStats")
	if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 {
		return 0
	}
	out := m.Call(nil)[0]
	if out.Kind() != reflect.Struct {
		return 0
	}
	f := out.FieldByName("NumAllocateOneInvocations")
	if !f.IsValid() || f.Kind() != reflect.Int64 {
		return 0
	}
	return f.Int()
}

// newAllocatorPreferring restricts NewAllocator to the preferred channel
// (when not "") and falls back to the default selection when that channel
// does not support the features. The restriction stays in effect for later
// newAlloc calls; callers reset it with structured.EnableAllocators().
func newAllocatorPreferring(channel string, newAlloc func() (structured.Allocator, error)) (structured.Allocator, error) {
	if channel != "" {
		structured.EnableAllocators(channel)
		alloc, err := newAlloc()
		if err == nil || !strings.Contains(err.Error(), "no allocator available") {
			return alloc, err
		}
	}
	structured.EnableAllocators()
	return newAlloc()
}

func timePass(ctx context.Context, alloc structured.Allocator, in *benchInput) int64 {
	start := time.Now()
	timePassNoClock(ctx, alloc, in)
	return time.Since(start).Nanoseconds()
}

// timePassNoClock runs Allocate once per node; results are discarded.
func timePassNoClock(ctx context.Context, alloc structured.Allocator, in *benchInput) {
	for _, node := range in.nodes {
		_, _ = alloc.Allocate(ctx, node, in.claims)
	}
}
