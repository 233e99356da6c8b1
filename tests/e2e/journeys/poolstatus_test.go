package journeys

// allot's GET /api/v1/inventory against the real ResourcePoolStatusRequest (KEP-5677, resource.k8s.io
// v1alpha3, computed by kube-controller-manager's resourcepoolstatusrequest-controller, which the harness
// runs with the gates on). For each state of the cluster a fresh request is created, its status awaited and
// compared pool by pool with allot's answer for the same driver (and default partition type attribute):
// every KEP field (generation, resourceSliceCount, nodeName, the four device counts, validationError by
// its prefix, partitionSummary, shareableSummary). The request is one-shot and both sides see the cluster
// through watches, so a state is compared until both agree or a deadline passes; the last difference,
// naming the pool and field, fails the test.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	resourcev1 "k8s.io/api/resource/v1"
	resourcev1alpha3 "k8s.io/api/resource/v1alpha3"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// allotPool is one entry of allot's inventory "pools" (KEP-5677's PoolStatus members; `pool` for its
// poolName, `node` for its nodeName).
type allotPool struct {
	Driver             string  `json:"driver"`
	Pool               string  `json:"pool"`
	Node               *string `json:"node"`
	Generation         int64   `json:"generation"`
	ResourceSliceCount *int32  `json:"resourceSliceCount"`
	TotalDevices       *int32  `json:"totalDevices"`
	AllocatedDevices   *int32  `json:"allocatedDevices"`
	AvailableDevices   *int32  `json:"availableDevices"`
	UnavailableDevices *int32  `json:"unavailableDevices"`
	ValidationError    *string `json:"validationError"`
	PartitionSummary   []struct {
		Attribute   string `json:"attribute"`
		Type        string `json:"type"`
		Total       int32  `json:"total"`
		Allocatable int32  `json:"allocatable"`
	} `json:"partitionSummary"`
	ShareableSummary *struct {
		FullyAvailableDevices     int32 `json:"fullyAvailableDevices"`
		PartiallyAvailableDevices int32 `json:"partiallyAvailableDevices"`
		Capacity                  []struct {
			Name      string `json:"name"`
			Total     string `json:"total"`
			Consumed  string `json:"consumed"`
			Available string `json:"available"`
		} `json:"capacity"`
	} `json:"shareableSummary"`
}

// allotInventory fetches allot's pools for driver (and partitionTypeAttribute, the request's
// defaultPartitionTypeAttribute).
func (e *env) allotInventory(driver, partitionAttr string) ([]allotPool, string, error) {
	q := url.Values{"driver": {driver}}
	if partitionAttr != "" {
		q.Set("partitionTypeAttribute", partitionAttr)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cl.AllotURL+"/api/v1/inventory?"+q.Encode(), nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, string(body), fmt.Errorf("GET inventory: HTTP %d: %.300s", resp.StatusCode, body)
	}
	var inv struct {
		Pools []allotPool `json:"pools"`
	}
	if err := json.Unmarshal(body, &inv); err != nil {
		return nil, string(body), fmt.Errorf("inventory: %w", err)
	}
	return inv.Pools, string(body), nil
}

// createPoolStatusRequest creates a ResourcePoolStatusRequest for driver (deleted at cleanup).
func (e *env) createPoolStatusRequest(driver, partitionAttr string) string {
	e.t.Helper()
	r := &resourcev1alpha3.ResourcePoolStatusRequest{
		ObjectMeta: metav1.ObjectMeta{GenerateName: e.prefix + "-"},
		Spec:       resourcev1alpha3.ResourcePoolStatusRequestSpec{Driver: driver},
	}
	if partitionAttr != "" {
		r.Spec.DefaultPartitionTypeAttribute = &partitionAttr
	}
	out, err := e.c.ResourceV1alpha3().ResourcePoolStatusRequests().Create(e.ctx, r, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("create ResourcePoolStatusRequest for %s: %v", driver, err)
	}
	name := out.Name
	e.t.Cleanup(func() {
		_ = e.c.ResourceV1alpha3().ResourcePoolStatusRequests().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

// poolStatusResult waits for the request's status (the controller writes it once) and returns it.
func (e *env) poolStatusResult(name string) *resourcev1alpha3.ResourcePoolStatusRequestStatus {
	e.t.Helper()
	var status *resourcev1alpha3.ResourcePoolStatusRequestStatus
	e.eventually(controllerWait, "ResourcePoolStatusRequest "+name+" to get a status", func() (bool, string) {
		r, err := e.c.ResourceV1alpha3().ResourcePoolStatusRequests().Get(e.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		status = r.Status
		return status != nil, "no status yet"
	})
	complete := false
	for _, c := range status.Conditions {
		if c.Type == resourcev1alpha3.ResourcePoolStatusRequestConditionComplete && c.Status == metav1.ConditionTrue {
			complete = true
		}
	}
	if !complete || status.PoolCount == nil || int(*status.PoolCount) != len(status.Pools) {
		e.t.Fatalf("ResourcePoolStatusRequest %s: not a complete, untruncated result: %+v", name, status)
	}
	return status
}

// matchPoolStatus compares allot's inventory with a fresh ResourcePoolStatusRequest for driver until they
// agree (new request each round: the controller answers once) and returns the real result. It fails the
// test with the last differences when they still differ after the deadline.
func (e *env) matchPoolStatus(state, driver, partitionAttr string) []resourcev1alpha3.PoolStatus {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for round := 1; ; round++ {
		name := e.createPoolStatusRequest(driver, partitionAttr)
		real := e.poolStatusResult(name)
		pools, body, err := e.allotInventory(driver, partitionAttr)
		var diffs []string
		if err != nil {
			diffs = []string{err.Error()}
		} else {
			diffs = diffPoolStatus(real.Pools, pools)
		}
		if len(diffs) == 0 {
			realJSON, _ := json.Marshal(real.Pools)
			e.t.Logf("%s: driver %s: allot's inventory equals ResourcePoolStatusRequest %s (%d pools, round %d): %s",
				state, driver, name, len(real.Pools), round, realJSON)
			return real.Pools
		}
		_ = e.c.ResourceV1alpha3().ResourcePoolStatusRequests().Delete(e.ctx, name, metav1.DeleteOptions{})
		if time.Now().After(deadline) {
			realJSON, _ := json.MarshalIndent(real.Pools, "", "  ")
			e.t.Fatalf("%s: driver %s: allot's inventory differs from ResourcePoolStatusRequest %s (after %d rounds):\n  %s\nreal pools: %s\nallot: %s%s",
				state, driver, name, round, strings.Join(diffs, "\n  "), realJSON, body, e.diagnostics())
		}
		e.t.Logf("%s: round %d differs (retrying until both have seen the same state): %s", state, round, strings.Join(diffs, "; "))
		time.Sleep(time.Second)
	}
}

// diffPoolStatus lists every difference between the real pools and allot's, each naming pool and field.
func diffPoolStatus(real []resourcev1alpha3.PoolStatus, allot []allotPool) []string {
	var diffs []string
	byKey := map[string]*allotPool{}
	for i := range allot {
		byKey[allot[i].Driver+"/"+allot[i].Pool] = &allot[i]
	}
	seen := map[string]bool{}
	for i := range real {
		r := &real[i]
		key := r.Driver + "/" + r.PoolName
		seen[key] = true
		a := byKey[key]
		if a == nil {
			diffs = append(diffs, fmt.Sprintf("pool %s: in the ResourcePoolStatusRequest result, missing from allot's inventory", key))
			continue
		}
		d := func(field string, want, got any) {
			diffs = append(diffs, fmt.Sprintf("pool %s: %s: real %v, allot %v", key, field, want, got))
		}
		if r.Generation != a.Generation {
			d("generation", r.Generation, a.Generation)
		}
		if s1, s2 := strPtr(r.NodeName), strPtr(a.Node); s1 != s2 {
			d("nodeName (allot: node)", s1, s2)
		}
		for _, f := range []struct {
			name       string
			real, mine *int32
		}{
			{"resourceSliceCount", r.ResourceSliceCount, a.ResourceSliceCount},
			{"totalDevices", r.TotalDevices, a.TotalDevices},
			{"allocatedDevices", r.AllocatedDevices, a.AllocatedDevices},
			{"availableDevices", r.AvailableDevices, a.AvailableDevices},
			{"unavailableDevices", r.UnavailableDevices, a.UnavailableDevices},
		} {
			if i1, i2 := intPtr(f.real), intPtr(f.mine); i1 != i2 {
				d(f.name, i1, i2)
			}
		}
		if p1, p2 := errorPrefix(r.ValidationError), errorPrefix(a.ValidationError); p1 != p2 {
			d("validationError (prefix)", fmt.Sprintf("%s (%s)", p1, strPtr(r.ValidationError)), fmt.Sprintf("%s (%s)", p2, strPtr(a.ValidationError)))
		}
		diffs = append(diffs, diffPartitionSummary(key, r.PartitionSummary, a)...)
		diffs = append(diffs, diffShareableSummary(key, r.ShareableSummary, a)...)
	}
	for _, a := range allot {
		if key := a.Driver + "/" + a.Pool; !seen[key] {
			diffs = append(diffs, fmt.Sprintf("pool %s: in allot's inventory, missing from the ResourcePoolStatusRequest result", key))
		}
	}
	return diffs
}

func diffPartitionSummary(key string, real []resourcev1alpha3.PartitionTypeStatus, a *allotPool) []string {
	format := func(attr, typ string, total, allocatable int32) string {
		return fmt.Sprintf("%s=%s total %d allocatable %d", attr, typ, total, allocatable)
	}
	var want, got []string
	for _, p := range real {
		want = append(want, format(p.Attribute, p.Type, int32Val(p.Total), int32Val(p.Allocatable)))
	}
	for _, p := range a.PartitionSummary {
		got = append(got, format(p.Attribute, p.Type, p.Total, p.Allocatable))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, "; ") != strings.Join(got, "; ") {
		return []string{fmt.Sprintf("pool %s: partitionSummary: real [%s], allot [%s]", key, strings.Join(want, "; "), strings.Join(got, "; "))}
	}
	return nil
}

func diffShareableSummary(key string, real *resourcev1alpha3.ShareableSummaryStatus, a *allotPool) []string {
	if real == nil && a.ShareableSummary == nil {
		return nil
	}
	if real == nil || a.ShareableSummary == nil {
		return []string{fmt.Sprintf("pool %s: shareableSummary: real %v, allot %v (one side has none)", key, real != nil, a.ShareableSummary != nil)}
	}
	var diffs []string
	s := a.ShareableSummary
	if int32Val(real.FullyAvailableDevices) != s.FullyAvailableDevices {
		diffs = append(diffs, fmt.Sprintf("pool %s: shareableSummary.fullyAvailableDevices: real %d, allot %d", key, int32Val(real.FullyAvailableDevices), s.FullyAvailableDevices))
	}
	if int32Val(real.PartiallyAvailableDevices) != s.PartiallyAvailableDevices {
		diffs = append(diffs, fmt.Sprintf("pool %s: shareableSummary.partiallyAvailableDevices: real %d, allot %d", key, int32Val(real.PartiallyAvailableDevices), s.PartiallyAvailableDevices))
	}
	mine := map[string]int{}
	for i, c := range s.Capacity {
		mine[c.Name] = i
	}
	for _, c := range real.Capacity {
		i, ok := mine[c.Name]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("pool %s: shareableSummary.capacity[%s]: missing from allot", key, c.Name))
			continue
		}
		delete(mine, c.Name)
		m := s.Capacity[i]
		for _, q := range []struct {
			field string
			real  *resource.Quantity
			mine  string
		}{{"total", c.Total, m.Total}, {"consumed", c.Consumed, m.Consumed}, {"available", c.Available, m.Available}} {
			if !sameQuantity(q.real, q.mine) {
				diffs = append(diffs, fmt.Sprintf("pool %s: shareableSummary.capacity[%s].%s: real %s, allot %s", key, c.Name, q.field, quantityString(q.real), q.mine))
			}
		}
	}
	for name := range mine {
		diffs = append(diffs, fmt.Sprintf("pool %s: shareableSummary.capacity[%s]: only in allot", key, name))
	}
	return diffs
}

func sameQuantity(real *resource.Quantity, mine string) bool {
	if real == nil {
		return mine == ""
	}
	q, err := resource.ParseQuantity(mine)
	return err == nil && q.Cmp(*real) == 0
}

func quantityString(q *resource.Quantity) string {
	if q == nil {
		return "<unset>"
	}
	return q.String()
}

func strPtr(s *string) string {
	if s == nil {
		return "<unset>"
	}
	return *s
}

func intPtr(i *int32) string {
	if i == nil {
		return "<unset>"
	}
	return fmt.Sprint(*i)
}

func int32Val(i *int32) int32 {
	if i == nil {
		return -1
	}
	return *i
}

// errorPrefix is a validationError's reason prefix ("PoolIncomplete:", "PartitionTypeMissing:", ...), "" if unset.
func errorPrefix(s *string) string {
	if s == nil {
		return ""
	}
	if i := strings.IndexByte(*s, ':'); i >= 0 {
		return (*s)[:i+1]
	}
	return *s
}

// poolByName returns the real pool named pool, failing the test when there is none.
func (e *env) poolByName(pools []resourcev1alpha3.PoolStatus, pool string) resourcev1alpha3.PoolStatus {
	e.t.Helper()
	for _, p := range pools {
		if p.PoolName == pool {
			return p
		}
	}
	e.t.Fatalf("no pool %s in the ResourcePoolStatusRequest result", pool)
	return resourcev1alpha3.PoolStatus{}
}

// partitionSummaryString is "type allocatable/total, ..." of a real pool.
func partitionSummaryString(p resourcev1alpha3.PoolStatus) string {
	var parts []string
	for _, t := range p.PartitionSummary {
		parts = append(parts, fmt.Sprintf("%s %d/%d", t.Type, int32Val(t.Allocatable), int32Val(t.Total)))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// expectCounts pins the real result's counts, so that the comparison is never between two empty answers.
func (e *env) expectCounts(state string, p resourcev1alpha3.PoolStatus, total, allocated, available, unavailable int32) {
	e.t.Helper()
	got := fmt.Sprintf("%s/%s/%s/%s", intPtr(p.TotalDevices), intPtr(p.AllocatedDevices), intPtr(p.AvailableDevices), intPtr(p.UnavailableDevices))
	if want := fmt.Sprintf("%d/%d/%d/%d", total, allocated, available, unavailable); got != want {
		e.t.Fatalf("%s: pool %s: total/allocated/available/unavailable = %s, want %s", state, p.PoolName, got, want)
	}
}

const (
	exampleDriver   = "gpu.example.com"
	nvidiaDriver    = "gpu.nvidia.com"
	partitionAttr   = "gpu.example.com/profile" // set by this test on the partitionable example devices
	migProfileAttr  = "gpu.nvidia.com/profile"
	incompleteDrv   = "pool-status.e2e.example.com"
	adminAccessNSLb = "resource.kubernetes.io/admin-access"
)

func TestInventoryMatchesPoolStatusRequest(t *testing.T) {
	skipIfNoAllot(t, Allot)
	e := newEnv(t, Allot)
	e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))

	// Pool 1 (plain): four example GPUs, gpu-3 tainted NoSchedule (unavailable).
	plain := e.addNode("plain")
	for _, s := range e.fixtureSlices("example-driver-8gpu.json", plain, deviceNamed("gpu-0", "gpu-1", "gpu-2", "gpu-3")) {
		for i := range s.Spec.Devices {
			if s.Spec.Devices[i].Name == "gpu-3" {
				s.Spec.Devices[i].Taints = []resourcev1.DeviceTaint{{Key: "e2e.allot/broken", Effect: resourcev1.DeviceTaintEffectNoSchedule}}
			}
		}
		e.addSlice(s)
	}
	// Pool 2 (partitionable): GPU 0 of the partitionable example driver (4 quarter partitions and the full
	// device, all drawing on counter set gpu-0-counters), typed by a `profile` attribute the device slice
	// declares as its partitionTypeAttribute (gate DRAPartitionableDevicesType). One GPU only: KEP-5677
	// requires identical counter consumption per type, and a second GPU's quarters draw on another counter
	// set (PartitionCostMismatch).
	part := e.addNode("part")
	for _, s := range e.fixtureSlices("example-driver-8gpu-partitionable.json", part, func(d resourcev1.Device) bool {
		return strings.HasPrefix(d.Name, "gpu-0-")
	}) {
		if len(s.Spec.Devices) > 0 {
			attr := resourcev1.FullyQualifiedName(partitionAttr)
			s.Spec.PartitionTypeAttribute = &attr
			for i := range s.Spec.Devices {
				d := &s.Spec.Devices[i]
				profile := "quarter"
				if strings.HasSuffix(d.Name, "-full") {
					profile = "full"
				}
				d.Attributes["profile"] = resourcev1.DeviceAttribute{StringValue: &profile}
			}
		}
		e.addSlice(s)
	}
	// Pool 3 (shareable): two multi-allocatable example GPUs with consumable capacity.
	shared := e.addNode("shared")
	e.addFixtureSlices("example-driver-8gpu-shared.json", shared, deviceNamed("gpu-0", "gpu-1"))
	// Pool 4 (another driver): the 8 x H100 dynamic MIG node; with the request's default attribute
	// gpu.nvidia.com/profile the whole GPUs (counters, no profile) make it PartitionTypeMissing.
	dgx := e.addNode("dgx")
	e.addFixtureSlices(h100File, dgx, nil)

	// State 1: idle.
	pools := e.matchPoolStatus("idle", exampleDriver, "")
	if len(pools) != 3 {
		t.Fatalf("idle: %d pools of %s, want 3", len(pools), exampleDriver)
	}
	e.expectCounts("idle", e.poolByName(pools, plain), 4, 0, 3, 1)
	e.expectCounts("idle", e.poolByName(pools, part), 5, 0, 5, 0)
	if got := partitionSummaryString(e.poolByName(pools, part)); got != "full 1/1, quarter 4/4" {
		t.Fatalf("idle: pool %s: partitionSummary (type allocatable/total) %s, want full 1/1, quarter 4/4", part, got)
	}
	if p := e.poolByName(pools, shared); p.ShareableSummary == nil || int32Val(p.ShareableSummary.FullyAvailableDevices) != 2 {
		t.Fatalf("idle: pool %s: shareableSummary %+v, want 2 fully available devices", shared, p.ShareableSummary)
	}
	migPools := e.matchPoolStatus("idle", nvidiaDriver, migProfileAttr)
	if p := e.poolByName(migPools, dgx); errorPrefix(p.ValidationError) != "PartitionTypeMissing:" {
		t.Fatalf("idle: pool %s: validationError %s, want PartitionTypeMissing", dgx, strPtr(p.ValidationError))
	}
	e.matchPoolStatus("idle, no default attribute", nvidiaDriver, "")

	// State 2: allocated by allot. One plain GPU, one quarter partition, 10Gi of a shared GPU, and an
	// admin-access claim on the plain node (KEP-5677 skips admin-access results in every tally).
	e.labelNamespace(adminAccessNSLb, "true")
	e.gpuClaim("plain")
	e.addPinnedPod("pod-plain", plain, claimRef("gpu", "plain"))
	partSpec := gpuClaimSpec(exampleClass, "device.attributes['gpu.example.com'].profile == 'quarter'")
	e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: "quarter"}, Spec: partSpec})
	e.addPinnedPod("pod-quarter", part, claimRef("gpu", "quarter"))
	sharedSpec := gpuClaimSpec(exampleClass, "")
	sharedSpec.Devices.Requests[0].Exactly.Capacity = &resourcev1.CapacityRequirements{
		Requests: map[resourcev1.QualifiedName]resource.Quantity{"memory": mustQ("10Gi")},
	}
	e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: "share"}, Spec: sharedSpec})
	e.addPinnedPod("pod-share", shared, claimRef("gpu", "share"))
	adminSpec := gpuClaimSpec(exampleClass, "")
	admin := true
	adminSpec.Devices.Requests[0].Exactly.AdminAccess = &admin
	e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: "admin"}, Spec: adminSpec})
	e.addPinnedPod("pod-admin", plain, claimRef("gpu", "admin"))
	for _, p := range []string{"pod-plain", "pod-quarter", "pod-share", "pod-admin"} {
		e.waitBound(p)
	}
	pools = e.matchPoolStatus("allocated", exampleDriver, "")
	e.expectCounts("allocated", e.poolByName(pools, plain), 4, 1, 2, 1)
	e.expectCounts("allocated", e.poolByName(pools, part), 5, 1, 4, 0)
	if got := partitionSummaryString(e.poolByName(pools, part)); got != "full 0/1, quarter 3/4" {
		t.Fatalf("allocated: pool %s: partitionSummary (type allocatable/total) %s, want full 0/1, quarter 3/4", part, got)
	}
	if p := e.poolByName(pools, shared); p.ShareableSummary == nil || int32Val(p.ShareableSummary.PartiallyAvailableDevices) != 1 {
		t.Fatalf("allocated: pool %s: shareableSummary %+v, want 1 partially available device", shared, p.ShareableSummary)
	}

	// State 3: freed. The pods go, the claim controller deallocates.
	for _, p := range []string{"pod-plain", "pod-quarter", "pod-share", "pod-admin"} {
		e.deletePod(p)
	}
	for _, c := range []string{"plain", "quarter", "share", "admin"} {
		e.waitDeallocated(c)
	}
	pools = e.matchPoolStatus("freed", exampleDriver, "")
	e.expectCounts("freed", e.poolByName(pools, plain), 4, 0, 3, 1)

	// State 4: an incomplete pool of another driver, then completed.
	e.checkIncompletePool(plain)
}

// checkIncompletePool publishes one of two slices of a pool of driver incompleteDrv on node, then the
// other. The controller never persists a result with an incomplete pool (it requeues, then drops the
// request), so the real side is "no status" plus its log line; allot shows the pool with the controller's
// PoolIncomplete text. Once complete, both must agree.
func (e *env) checkIncompletePool(node string) {
	e.t.Helper()
	splitPool := node + "-split"
	var split []*resourcev1.ResourceSlice
	for i, dev := range []string{"gpu-0", "gpu-1"} {
		for _, s := range e.fixtureSlices("example-driver-8gpu.json", node, deviceNamed(dev)) {
			s.Name = fmt.Sprintf("%s-%d", splitPool, i)
			s.Spec.Driver = incompleteDrv
			s.Spec.Pool.Name = splitPool
			s.Spec.Pool.ResourceSliceCount = 2
			split = append(split, s)
		}
	}
	e.addSlice(split[0])
	name := e.createPoolStatusRequest(incompleteDrv, "")
	e.eventually(controllerWait, "kube-controller-manager to requeue "+name+" for an incomplete pool", func() (bool, string) {
		for _, line := range strings.Split(cl.ControllerManagerLog(), "\n") {
			if strings.Contains(line, "incomplete pools detected") && strings.Contains(line, `"`+name+`"`) {
				return true, ""
			}
		}
		return false, "no log line yet"
	})
	if r, err := e.c.ResourceV1alpha3().ResourcePoolStatusRequests().Get(e.ctx, name, metav1.GetOptions{}); err != nil || r.Status != nil {
		e.t.Fatalf("incomplete: ResourcePoolStatusRequest %s: %v, status %+v; want no status while a pool is incomplete", name, err, r)
	}
	wantErr := fmt.Sprintf("PoolIncomplete: pool %s/%s is incomplete: observed 1/2 slices at generation %d", incompleteDrv, splitPool, split[0].Spec.Pool.Generation)
	e.eventually(30*time.Second, "allot to report pool "+splitPool+" incomplete", func() (bool, string) {
		got, body, err := e.allotInventory(incompleteDrv, "")
		if err != nil {
			return false, err.Error()
		}
		if len(got) != 1 || strPtr(got[0].ValidationError) != wantErr || got[0].TotalDevices != nil || got[0].ResourceSliceCount != nil {
			return false, "allot: " + body + "; want one pool with validationError " + wantErr + " and no counts"
		}
		return true, ""
	})
	e.t.Logf("incomplete: ResourcePoolStatusRequest %s has no status (controller: incomplete pools detected); allot: %s", name, wantErr)

	e.addSlice(split[1])
	pools := e.matchPoolStatus("completed", incompleteDrv, "")
	e.expectCounts("completed", e.poolByName(pools, splitPool), 2, 0, 2, 0)
}
