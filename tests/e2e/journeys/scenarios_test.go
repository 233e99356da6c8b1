package journeys

// Journey 4: replay of the allocator scenarios (tests/testdata/scenarios/k8s, format in ../FORMAT.md) as
// cluster objects, one subtest per scenario: Node, DeviceClasses, ResourceSlices, pre-allocated claims, then
// the scenario's claims in one pod pinned to the scenario's node. For both schedulers the result is held to
// the expectation under FORMAT.md's comparison rules:
//   - allocated: the pod is bound and every claim's status.allocation, read back from the API, equals the
//     expected one (results as a multiset with shareID by presence, config, node selector);
//   - unsatisfiable: the pod is reported Unschedulable and stays unbound, its claims untouched;
//   - error: the pod stays unbound and the scheduler's PodScheduled message carries expect.errorContains.
// allot must also agree with the stock scheduler wherever both ran (the differential check).
//
// Every scenario is replayed unless it cannot be expressed, for a reason decided from its data (a gate the
// cluster runs with a different setting, binding conditions that need a DRA driver) or listed by name in
// apiRejected (the reference tests feed the allocator objects that API validation refuses). An API rejection
// of an unlisted scenario fails it, and so does a listed scenario the API accepts. The number replayed is
// asserted (wantReplayed) and printed ("e2e-note: scenarios <variant>: replayed N of M").

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	resourcev1 "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

type scenario struct {
	Name     string   `json:"name"`
	File     string   `json:"-"`
	Features []string `json:"features"`
	Node     *struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"node"`
	DeviceClasses   []resourcev1.DeviceClass   `json:"deviceClasses"`
	ResourceSlices  []resourcev1.ResourceSlice `json:"resourceSlices"`
	AllocatedClaims []resourcev1.ResourceClaim `json:"allocatedClaims"`
	Claims          []resourcev1.ResourceClaim `json:"claims"`
	Expect          struct {
		Outcome       string                        `json:"outcome"`
		ErrorContains string                        `json:"errorContains"`
		Allocations   []resourcev1.AllocationResult `json:"allocations"`
	} `json:"expect"`
	raw string
}

// stockDivergences are scenarios where kube-scheduler v1.37.2 with the in-tree DRA plugin does not reach
// the scenario's expected outcome; the stock variant pins its actual outcome (so a change is noticed) and
// the differential comparison skips them. Empty since the scenarios follow 1.37: the one entry,
// consumable-capacity-multi-allocatable-device-allocation-mode-all-in-use-insufficient (stock: pending),
// went when its expectation became unsatisfiable (1.37: an exhausted device still matches, so All fails).
// Found by this suite; see docs/testing.md.
var stockDivergences = map[string]struct{ stock, why string }{}

// clusterGates is what the pinned release enables by default, in the scenario format's feature names.
var clusterGates = map[string]bool{
	"AdminAccess": true, "PrioritizedList": true, "PartitionableDevices": true, "DeviceTaints": true,
	"ConsumableCapacity": true, "BindingConditions": true, "ExtendedResource": true, "ListTypeAttributes": false,
}

// featureMarkers are JSON fragments that show a scenario depends on a feature's semantics.
var featureMarkers = map[string][]string{
	"AdminAccess":          {`"adminAccess"`},
	"PrioritizedList":      {`"firstAvailable"`},
	"PartitionableDevices": {`"consumesCounters"`, `"sharedCounters"`, `"perDeviceNodeSelection"`},
	"DeviceTaints":         {`"taints"`},
	"ConsumableCapacity":   {`"allowMultipleAllocations"`, `"requestPolicy"`, `"distinctAttribute"`, `"shareID"`, `"capacity":{"requests"`},
	"BindingConditions":    {`"bindingConditions"`, `"bindingFailureConditions"`},
}

// expressible says why a scenario cannot be replayed against the cluster's gate settings ("" = it can).
func (s *scenario) expressible() string {
	on := map[string]bool{}
	for _, f := range s.Features {
		on[f] = true
		if !clusterGates[f] {
			return "needs gate " + f + ", off in the cluster"
		}
	}
	if on["BindingConditions"] {
		return "binding conditions need a DRA driver to report them"
	}
	compact := strings.Join(strings.Fields(s.raw), "")
	for f, markers := range featureMarkers {
		if on[f] || !clusterGates[f] {
			continue
		}
		for _, m := range markers {
			if strings.Contains(compact, m) {
				return fmt.Sprintf("expects %s off, the cluster has it on (uses %s)", f, m)
			}
		}
	}
	return ""
}

func loadScenarios(t *testing.T) []*scenario {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "tests", "testdata", "scenarios", "k8s", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios found (%v)", err)
	}
	sort.Strings(files)
	var out []*scenario
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data = apiNames(data)
		s := &scenario{raw: string(data), File: filepath.Base(f)}
		if err := json.Unmarshal(data, s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, s)
	}
	return out
}

// apiRejected lists the scenarios whose objects kube-apiserver refuses, with the reason: the reference's
// unit tests hand the allocator objects directly, without API validation. Each listed scenario is still
// tried; if the API accepts it, the entry is stale and the scenario fails.
var apiRejected = map[string]string{
	"empty-class":                              "a request without deviceClassName (deviceClassName: Required value)",
	"all-devices-of-the-incomplete-pool":       "count set with allocationMode All (count: must not be specified when allocationMode is 'All')",
	"all-devices-some-allocated-admin-access":  "count set with allocationMode All",
	"all-devices-some-allocating-admin-access": "count set with allocationMode All",
	"invalid-cel-all-devices":                  "a CEL selector that does not compile, and count with allocationMode All",
	"unknown-constraint":                       "a constraint with both matchAttribute and distinctAttribute",
	"invalid-cel-one-device":                   "a claim CEL selector that does not compile (undeclared reference)",
	"invalid-cel-one-device-class":             "a DeviceClass CEL selector that does not compile (undeclared reference)",
	"consumable-capacity-multi-allocatable-device-with-exceeded-consumable-capacity-request":       "a requestPolicy validRange larger than the capacity",
	"consumable-capacity-multi-allocatable-device-with-allocated-capacity-next-device":             "a requestPolicy validRange larger than the capacity",
	"consumable-capacity-multi-allocatable-device-with-subrequest":                                 "a requestPolicy validRange larger than the capacity",
	"consumable-capacity-multi-allocatable-device-with-no-available-consumable-capacity":           "a requestPolicy validRange larger than the capacity",
	"allow-multiple-allocations-not-allocate-multi-allocatable-device-which-already-dedicated":     "a requestPolicy validRange larger than the capacity",
	"distinct-constraint-one-multi-allocatable-device-with-distinct-constraint":                    "a requestPolicy validRange larger than the capacity",
	"consumable-capacity-dedicated-device-with-multiple-consumable-capacity-request":               "a requestPolicy on a device without allowMultipleAllocations",
	"allow-multiple-allocations-not-allocate-dedicated-device-which-change-from-multi-allocatable": "a requestPolicy on a device without allowMultipleAllocations",
	"with-distinct-constraints-unknown-type-attribute":                                             "an attribute with no value type",
	"partitionable-devices-same-counter-set-name-in-different-resource-slices":                     "a shared counter set without counters",
}

// stockWording: error scenarios where kube-scheduler's in-tree plugin reports the problem in its own words
// before the allocator runs (PodScheduled Unschedulable, "device class X does not exist"), so its message
// cannot carry the allocator's errorContains. The stock variant must carry this text instead; allot, which
// runs the allocator, is held to errorContains (its reason is SchedulerError: the scheduler retries with
// backoff rather than waiting for a cluster event, and a new class is picked up either way).
var stockWording = map[string]string{
	"no-classes":    "request req-0: device class class-a does not exist",
	"unknown-class": "request req-0: device class unknown-class does not exist",
}

// wantReplayed is how many of the scenarios the harness replays with the cluster's default gates. A change
// means scenarios were added or became (in)expressible: check the skip reasons, then update it.
const wantReplayed = 115

// Scenario bounds: a stock scheduler decides in about a second; a variant that fails many scenarios stops
// early so the lane's time stays bounded.
const (
	scenarioTimeout     = 30 * time.Second
	maxScenarioFailures = 6
)

// scenarioResult is what one variant did with one scenario, for the differential check.
type scenarioResult struct {
	outcome     string   // "allocated" or "pending"
	allocations []string // allocationKey per claim when allocated
}

func TestScenarios(t *testing.T) {
	scenarios := loadScenarios(t)
	results := map[string]map[string]scenarioResult{Stock: {}, Allot: {}}
	for _, v := range []string{Stock, Allot} {
		t.Run(v, func(t *testing.T) {
			skipIfNoAllot(t, v)
			failures, replayed, stopped := 0, 0, false
			maxFailures := maxScenarioFailures
			if n, err := strconv.Atoi(os.Getenv("E2E_SCENARIO_MAX_FAILURES")); err == nil {
				maxFailures = n
			}
			for i, s := range scenarios {
				if failures >= maxFailures {
					t.Errorf("stopped after %d failed scenarios; %d not run (bounds the lane's time)", failures, len(scenarios)-i)
					stopped = true
					break
				}
				ran := false
				ok := t.Run(s.Name, func(t *testing.T) {
					if why := s.expressible(); why != "" {
						t.Skipf("not expressible as cluster objects: %s", why)
					}
					e := newEnv(t, v)
					if r, done := e.replay(s); done {
						ran = true
						results[v][s.Name] = r
					}
				})
				if ran {
					replayed++
				}
				if !ok {
					failures++
				}
			}
			t.Logf("e2e-note: scenarios %s: replayed %d of %d", v, replayed, len(scenarios))
			if !stopped && replayed != wantReplayed {
				t.Errorf("replayed %d of %d scenarios, want %d: scenarios were added or their expressibility changed (see the skip reasons); update wantReplayed", replayed, len(scenarios), wantReplayed)
			}
		})
	}
	// Differential: where both variants ran, allot must agree with the in-tree plugin (except where the
	// in-tree plugin is recorded as diverging from the expectation; there allot follows the expectation).
	for name, got := range results[Allot] {
		if _, diverges := stockDivergences[name]; diverges {
			continue
		}
		want, ok := results[Stock][name]
		if !ok {
			continue
		}
		if want.outcome != got.outcome {
			t.Errorf("scenario %s: allot %s, stock scheduler %s", name, got.outcome, want.outcome)
		} else if strings.Join(want.allocations, "\n") != strings.Join(got.allocations, "\n") {
			t.Errorf("scenario %s: allocations differ\nallot: %s\nstock: %s", name, got.allocations, want.allocations)
		}
	}
}

// create runs one create call of the replay. An API rejection skips the scenario when it is listed in
// apiRejected and fails it otherwise.
func (e *env) create(s *scenario, what string, err error) {
	e.t.Helper()
	if err == nil {
		return
	}
	if why, listed := apiRejected[s.Name]; listed {
		e.t.Skipf("not expressible: %s (API rejects %s: %v)", why, what, err)
	}
	e.t.Fatalf("API rejects %s: %v\n(if the reference feeds the allocator objects that validation refuses, list the scenario in apiRejected with the reason)", what, err)
}

// replay builds the scenario in e's namespace, checks the outcome and the allocations against the
// expectation, and returns what happened; done is false when the scenario skipped.
func (e *env) replay(s *scenario) (res scenarioResult, done bool) {
	e.t.Helper()
	nodeName, labels := "node-1", map[string]string{"region": "region-1", "planet": "earth"}
	if s.Node != nil {
		nodeName, labels = s.Node.Name, s.Node.Labels
	}
	if usesAdminAccess(s) { // admin-access claims are only admitted in namespaces labelled for it
		e.labelNamespace(resourcev1.DRAAdminNamespaceLabelKey, "true")
	}
	e.addScenarioNode(nodeName, labels)
	for i := range s.DeviceClasses {
		dc := s.DeviceClasses[i]
		dc.ObjectMeta = cleanMeta(dc.ObjectMeta, dc.Name)
		_, err := e.c.ResourceV1().DeviceClasses().Create(e.ctx, &dc, metav1.CreateOptions{})
		e.create(s, "DeviceClass "+dc.Name, err)
		e.classes = append(e.classes, dc.Name)
	}
	names := uniqueNames{}
	for i := range s.ResourceSlices {
		rs := s.ResourceSlices[i]
		rs.ObjectMeta = cleanMeta(rs.ObjectMeta, names.next(rs.Name))
		_, err := e.c.ResourceV1().ResourceSlices().Create(e.ctx, &rs, metav1.CreateOptions{})
		e.create(s, "ResourceSlice "+rs.Name, err)
		e.slices = append(e.slices, rs.Name)
	}
	for i := range s.AllocatedClaims {
		c := s.AllocatedClaims[i]
		status := c.Status
		c.ObjectMeta = cleanMeta(c.ObjectMeta, names.next(c.Name))
		c.Status = resourcev1.ResourceClaimStatus{}
		created, err := e.c.ResourceV1().ResourceClaims(e.ns).Create(e.ctx, &c, metav1.CreateOptions{})
		e.create(s, "allocated claim "+c.Name, err)
		created.Status = status
		_, err = e.c.ResourceV1().ResourceClaims(e.ns).UpdateStatus(e.ctx, created, metav1.UpdateOptions{})
		e.create(s, "the allocation of claim "+c.Name, err)
	}
	var refs []podClaim
	claimNames := make([]string, len(s.Claims))
	for i := range s.Claims {
		c := s.Claims[i]
		c.ObjectMeta = cleanMeta(c.ObjectMeta, names.next(c.Name))
		claimNames[i] = c.Name
		_, err := e.c.ResourceV1().ResourceClaims(e.ns).Create(e.ctx, &c, metav1.CreateOptions{})
		e.create(s, "claim "+c.Name, err)
		refs = append(refs, claimRef(fmt.Sprintf("c%d", i), c.Name))
	}
	if why, listed := apiRejected[s.Name]; listed {
		e.t.Fatalf("listed in apiRejected (%s), but the API accepted every object: remove the entry", why)
	}
	e.addPinnedPod("pod", nodeName, refs...)

	got, message := e.waitOutcome("pod", s.Expect.Outcome == "error")
	message = strings.ReplaceAll(message, e.ns+"/", "") // the reference tests' claims have no namespace
	if message != "" {
		e.t.Logf("PodScheduled: %s", message)
	}
	res.outcome = got
	want := "pending"
	if s.Expect.Outcome == "allocated" {
		want = "allocated"
	}
	if d, ok := stockDivergences[s.Name]; ok && e.variant == Stock {
		// The in-tree scheduler of the pinned release disagrees with the scenario's expectation. Pin its
		// actual outcome, so that a change (a fix upstream, or a harness bug) is noticed.
		if got != d.stock {
			e.t.Fatalf("scenario %s: stock scheduler now %s (recorded divergence: %s, expectation %s)", s.Name, got, d.stock, want)
		}
		e.t.Logf("known divergence of the stock scheduler from the expectation (%s): %s", want, d.why)
		return res, true
	}
	if got != want {
		e.t.Fatalf("scenario %s: pod %s, expected %s (outcome %s)%s", s.Name, got, want, s.Expect.Outcome, e.diagnostics())
	}
	switch s.Expect.Outcome {
	case "allocated":
		if len(s.Expect.Allocations) != len(claimNames) {
			e.t.Fatalf("scenario %s: %d expected allocations for %d claims", s.Name, len(s.Expect.Allocations), len(claimNames))
		}
		pod := e.getPod("pod")
		for i, name := range claimNames {
			claim := e.getClaim(name)
			e.checkAllocatedFor(claim, pod, nodeName)
			gotKey, wantKey := allocationKey(claim.Status.Allocation), allocationKey(&s.Expect.Allocations[i])
			if gotKey != wantKey {
				e.t.Errorf("claim %s: allocation differs from the expectation\n got: %s\nwant: %s", name, gotKey, wantKey)
			}
			res.allocations = append(res.allocations, gotKey)
		}
	case "error":
		wantText := s.Expect.ErrorContains
		if w, ok := stockWording[s.Name]; ok && e.variant == Stock {
			wantText = w
		}
		if !strings.Contains(message, wantText) {
			e.t.Errorf("scenario %s: the scheduler's message does not carry the expected error %q:\n%s", s.Name, wantText, message)
		}
		fallthrough
	default:
		for _, name := range claimNames {
			if c := e.getClaim(name); c.Status.Allocation != nil || len(c.Status.ReservedFor) != 0 {
				e.t.Errorf("claim %s of a pending pod is allocated or reserved: %s, reservedFor %v", name, allocationKey(c.Status.Allocation), c.Status.ReservedFor)
			}
		}
	}
	return res, true
}

// allocationKey renders an AllocationResult under FORMAT.md's comparison rules, so that equal keys mean
// equal allocations: results as a sorted multiset with shareID by presence only, config in order, the node
// selector's terms, requirements and values sorted, and every object's keys in one order (opaque
// parameters compare as JSON values, not bytes).
func allocationKey(a *resourcev1.AllocationResult) string {
	if a == nil {
		return "<none>"
	}
	var results []string
	for i := range a.Devices.Results {
		r := a.Devices.Results[i].DeepCopy()
		if r.ShareID != nil {
			present := types.UID("<set>")
			r.ShareID = &present
		}
		results = append(results, canonicalJSON(r))
	}
	sort.Strings(results)
	selector := "<none>"
	if a.NodeSelector != nil {
		var terms []string
		for _, term := range a.NodeSelector.NodeSelectorTerms {
			var parts []string
			for _, list := range [][]corev1.NodeSelectorRequirement{term.MatchExpressions, term.MatchFields} {
				var reqs []string
				for _, r := range list {
					values := append([]string(nil), r.Values...)
					sort.Strings(values)
					reqs = append(reqs, fmt.Sprintf("%s %s %v", r.Key, r.Operator, values))
				}
				sort.Strings(reqs)
				parts = append(parts, "{"+strings.Join(reqs, ", ")+"}")
			}
			terms = append(terms, "expressions"+parts[0]+" fields"+parts[1])
		}
		sort.Strings(terms)
		selector = strings.Join(terms, " OR ")
	}
	return fmt.Sprintf("results=[%s] config=%s nodeSelector=%s", strings.Join(results, " "), canonicalJSON(a.Devices.Config), selector)
}

// canonicalJSON marshals v with every object's keys sorted (a round trip through map[string]any).
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	b, _ = json.Marshal(generic)
	return string(b)
}

// apiNames rewrites names the reference tests use but API validation refuses, consistently across the
// whole file (objects, expectations): sub-request names must be DNS labels ("subReq-0" -> "subreq-0") and
// capacity names C identifiers ("capacity-0" -> "capacity0"). Neither name influences which devices fit.
func apiNames(data []byte) []byte {
	data = subReqName.ReplaceAll(data, []byte("subreq-$1"))
	return capacityName.ReplaceAll(data, []byte(`${1}capacity${2}${3}`))
}

var (
	subReqName   = regexp.MustCompile(`subReq-(\d+)`)
	capacityName = regexp.MustCompile(`(\\?")capacity-(\d+)(\\?")`) // also inside CEL strings: [\"capacity-0\"]
)

// uniqueNames renames repeats ("slice-1", "slice-1" -> "slice-1", "slice-1-dup1"): the reference tests
// reuse object names that a cluster keeps apart only by name; nothing in allocation depends on them.
type uniqueNames map[string]int

func (u uniqueNames) next(name string) string {
	n := u[name]
	u[name] = n + 1
	if n == 0 {
		return name
	}
	return fmt.Sprintf("%s-dup%d", name, n)
}

func usesAdminAccess(s *scenario) bool { return strings.Contains(s.raw, `"adminAccess": true`) }

// addScenarioNode creates the scenario's node under its own name (scenarios refer to it by name).
func (e *env) addScenarioNode(name string, labels map[string]string) {
	e.t.Helper()
	// Wait out a same-named node of an earlier scenario that is still being deleted.
	e.eventually(30*time.Second, "node "+name+" from an earlier test to be gone", func() (bool, string) {
		_, err := e.c.CoreV1().Nodes().Get(e.ctx, name, metav1.GetOptions{})
		return err != nil, "still present"
	})
	list := corev1.ResourceList{corev1.ResourceCPU: mustQ("64"), corev1.ResourceMemory: mustQ("512Gi"), corev1.ResourcePods: mustQ("110")}
	l := map[string]string{"kubernetes.io/hostname": name}
	for k, v := range labels {
		l[k] = v
	}
	n, err := e.c.CoreV1().Nodes().Create(e.ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}}, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("create node %s: %v", name, err)
	}
	e.nodes = append(e.nodes, name)
	n.Status = corev1.NodeStatus{Capacity: list, Allocatable: list, Phase: corev1.NodeRunning, Conditions: []corev1.NodeCondition{{
		Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}}}
	if _, err := e.c.CoreV1().Nodes().UpdateStatus(e.ctx, n, metav1.UpdateOptions{}); err != nil {
		e.t.Fatalf("node %s status: %v", name, err)
	}
}

func (e *env) labelNamespace(key, value string) {
	e.t.Helper()
	ns, err := e.c.CoreV1().Namespaces().Get(e.ctx, e.ns, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	ns.Labels[key] = value
	if _, err := e.c.CoreV1().Namespaces().Update(e.ctx, ns, metav1.UpdateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

// addPinnedPod is addPod with a node selector for one node.
func (e *env) addPinnedPod(name, node string, claims ...podClaim) {
	e.t.Helper()
	pod := e.buildPod(name, claims...)
	pod.Spec.NodeSelector = map[string]string{"kubernetes.io/hostname": node}
	if _, err := e.c.CoreV1().Pods(e.ns).Create(e.ctx, pod, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create pod %s: %v", name, err)
	}
}

// waitOutcome waits until the pod is bound ("allocated") or reported unschedulable and still unbound a
// moment later ("pending"), and returns the PodScheduled message. Unless anyError, only reason
// Unschedulable counts: a SchedulerError is retried by the scheduler (e.g. an extender that has not seen
// the claim yet), so the wait goes on.
func (e *env) waitOutcome(name string, anyError bool) (outcome, message string) {
	e.t.Helper()
	e.eventually(scenarioTimeout, "pod "+name+" to be bound or reported unschedulable", func() (bool, string) {
		p, err := e.c.CoreV1().Pods(e.ns).Get(e.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		if p.Spec.NodeName != "" {
			outcome = "allocated"
			return true, ""
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && (anyError || c.Reason == corev1.PodReasonUnschedulable) {
				outcome, message = "pending", c.Reason+": "+c.Message
				return true, ""
			}
		}
		return false, scheduledCondition(p)
	})
	if outcome == "pending" {
		time.Sleep(time.Second)
		if p := e.getPod(name); p.Spec.NodeName != "" {
			outcome = "allocated"
		}
	}
	return outcome, message
}
