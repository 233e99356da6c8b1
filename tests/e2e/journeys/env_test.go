package journeys

// Per-test environment: a namespace, the scheduler under test, uniquely named cluster-scoped objects
// (Nodes, ResourceSlices, DeviceClasses) and their cleanup, and the waits the journeys share.

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	resourcev1 "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"allot/tests/e2e/harness"
)

// Variants of every journey.
const (
	Stock = "stock" // kube-scheduler with the in-tree DynamicResources plugin
	Allot = "allot" // DynamicResources disabled, allot as extender
	// AllotNodes: as Allot, but through the scheduler whose extender has nodeCacheCapable: false (full Node
	// objects in filter/prioritize, `Nodes` in the filter answer); only journeys that ask for it run it.
	AllotNodes = "allot-nodes"
)

// Timeouts. The machine running the suite is small and shared; these are generous upper bounds, and the
// waits return as soon as the condition holds.
const (
	bindTimeout    = 90 * time.Second
	controllerWait = 90 * time.Second
	settleTime     = 3 * time.Second // how long a pod must stay unbound to count as "pending"
)

// env is one test's slice of the cluster.
type env struct {
	t         *testing.T
	ctx       context.Context
	c         kubernetes.Interface
	variant   string
	scheduler string
	ns        string
	prefix    string // prefix of this test's cluster-scoped object names

	nodes   []string
	slices  []string
	classes []string
}

// variants runs fn as subtests "stock" and "allot".
func variants(t *testing.T, fn func(e *env)) { variantsOf(t, []string{Stock, Allot}, fn) }

// variantsOf runs fn as one subtest per variant, in the order given.
func variantsOf(t *testing.T, list []string, fn func(e *env)) {
	for _, v := range list {
		t.Run(v, func(t *testing.T) {
			skipIfNoAllot(t, v)
			fn(newEnv(t, v))
		})
	}
}

// usesAllot: the variant schedules through allot (either extender mode).
func usesAllot(variant string) bool { return variant == Allot || variant == AllotNodes }

// skipIfNoAllot skips an allot variant, with the reason, when allot is not available at all (missing
// binary or no `serve` command). An allot that exists but fails to start is a failure, not a skip.
func skipIfNoAllot(t *testing.T, variant string) {
	t.Helper()
	if usesAllot(variant) && !allotReady && allotReason != "" {
		t.Skipf("allot variant skipped: %s", allotReason)
	}
}

// newEnv prepares a namespace for variant; an allot variant skips (with the reason) only when allot is
// not available at all.
func newEnv(t *testing.T, variant string) *env {
	t.Helper()
	if err := cl.CheckAlive(); err != nil {
		t.Fatalf("control plane: %v", err)
	}
	e := &env{t: t, ctx: context.Background(), c: cl.Client, variant: variant, scheduler: harness.StockScheduler}
	if usesAllot(variant) {
		skipIfNoAllot(t, variant)
		if !allotReady {
			t.Fatalf("allot serve exists but did not start; see %s/allot.log", cl.Dir)
		}
		if err := cl.StartAllot(); err != nil { // restarts it if an earlier test left it stopped
			t.Fatalf("allot: %v", err)
		}
		e.scheduler = harness.AllotScheduler
		if variant == AllotNodes {
			if err := cl.StartAllotNodesScheduler(); err != nil {
				t.Fatalf("scheduler with nodeCacheCapable: false: %v", err)
			}
			e.scheduler = harness.AllotNodesScheduler
		}
	}
	short := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(short) > 40 {
		short = short[:40]
	}
	suffix := fmt.Sprintf("%04x", rand.Intn(0x10000))
	e.prefix = strings.Trim(short, "-") + "-" + suffix
	e.ns = e.prefix
	_, err := e.c.CoreV1().Namespaces().Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: e.ns}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	t.Cleanup(e.cleanup)
	return e
}

// cleanup force-deletes the pods (no kubelet would ever finish a graceful delete) and the claims, waits
// until the claims are gone (the claim controller first releases and deallocates those carrying its
// finalizer), then deletes the namespace and the cluster-scoped objects. Claims must be gone, not just
// terminating: schedulers count every allocated claim in the cluster, and scenarios reuse pool and device
// names.
func (e *env) cleanup() {
	ctx := context.Background()
	zero := int64(0)
	_ = e.c.CoreV1().Pods(e.ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{})
	_ = e.c.ResourceV1().ResourceClaims(e.ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
	deadline := time.Now().Add(60 * time.Second)
	for {
		claims, err := e.c.ResourceV1().ResourceClaims(e.ns).List(ctx, metav1.ListOptions{})
		if err == nil && len(claims.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			left := ""
			if err == nil {
				for _, c := range claims.Items {
					left += fmt.Sprintf(" %s(finalizers=%v reservedFor=%s)", c.Name, c.Finalizers, reservedNames(&c))
				}
			}
			e.t.Errorf("cleanup: claims of namespace %s not gone after 60s:%s %v", e.ns, left, err)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	_ = e.c.CoreV1().Namespaces().Delete(ctx, e.ns, metav1.DeleteOptions{})
	for _, n := range e.slices {
		_ = e.c.ResourceV1().ResourceSlices().Delete(ctx, n, metav1.DeleteOptions{})
	}
	for _, n := range e.nodes {
		_ = e.c.CoreV1().Nodes().Delete(ctx, n, metav1.DeleteOptions{})
	}
	for _, n := range e.classes {
		_ = e.c.ResourceV1().DeviceClasses().Delete(ctx, n, metav1.DeleteOptions{})
	}
}

// nodeName is the unique cluster-wide name of this test's node `short`.
func (e *env) nodeName(short string) string { return e.prefix + "-" + short }

// addNode creates a Ready node with ample cpu/memory/pods and no taints, as a kubelet would register it.
func (e *env) addNode(short string) string {
	e.t.Helper()
	name := e.nodeName(short)
	list := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("64"),
		corev1.ResourceMemory: resource.MustParse("512Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name, "e2e.allot/test": e.prefix}}}
	created, err := e.c.CoreV1().Nodes().Create(e.ctx, node, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("create node %s: %v", name, err)
	}
	e.nodes = append(e.nodes, name)
	created.Status = corev1.NodeStatus{
		Capacity:    list,
		Allocatable: list,
		Conditions: []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
		}},
		Phase: corev1.NodeRunning,
	}
	if _, err := e.c.CoreV1().Nodes().UpdateStatus(e.ctx, created, metav1.UpdateOptions{}); err != nil {
		e.t.Fatalf("node %s status: %v", name, err)
	}
	return name
}

// addClass creates a DeviceClass (cluster-scoped; removed at cleanup).
func (e *env) addClass(dc *resourcev1.DeviceClass) {
	e.t.Helper()
	if _, err := e.c.ResourceV1().DeviceClasses().Create(e.ctx, dc, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create DeviceClass %s: %v", dc.Name, err)
	}
	e.classes = append(e.classes, dc.Name)
}

// addSlice creates a ResourceSlice (cluster-scoped; removed at cleanup).
func (e *env) addSlice(s *resourcev1.ResourceSlice) {
	e.t.Helper()
	if _, err := e.c.ResourceV1().ResourceSlices().Create(e.ctx, s, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create ResourceSlice %s: %v", s.Name, err)
	}
	e.slices = append(e.slices, s.Name)
}

func (e *env) addClaim(c *resourcev1.ResourceClaim) *resourcev1.ResourceClaim {
	e.t.Helper()
	out, err := e.c.ResourceV1().ResourceClaims(e.ns).Create(e.ctx, c, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("create ResourceClaim %s: %v", c.Name, err)
	}
	return out
}

func (e *env) addTemplate(name string, spec resourcev1.ResourceClaimSpec) {
	e.t.Helper()
	tmpl := &resourcev1.ResourceClaimTemplate{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       resourcev1.ResourceClaimTemplateSpec{Spec: spec},
	}
	if _, err := e.c.ResourceV1().ResourceClaimTemplates(e.ns).Create(e.ctx, tmpl, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create ResourceClaimTemplate %s: %v", name, err)
	}
}

// podClaim is one spec.resourceClaims entry: a claim name or a template name.
type podClaim struct {
	name     string
	claim    string
	template string
}

// addPod creates a pod for the scheduler under test whose one container uses every claim.
func (e *env) addPod(name string, claims ...podClaim) *corev1.Pod {
	e.t.Helper()
	out, err := e.c.CoreV1().Pods(e.ns).Create(e.ctx, e.buildPod(name, claims...), metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("create pod %s: %v", name, err)
	}
	return out
}

func mustQ(s string) resource.Quantity { return resource.MustParse(s) }

// buildPod returns a pod for the scheduler under test whose one container uses every claim.
func (e *env) buildPod(name string, claims ...podClaim) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			SchedulerName: e.scheduler,
			Containers: []corev1.Container{{
				Name: "c", Image: "registry.k8s.io/pause:3.10",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")}},
			}},
			TerminationGracePeriodSeconds: new(int64),
		},
	}
	for _, c := range claims {
		pc := corev1.PodResourceClaim{Name: c.name}
		if c.claim != "" {
			pc.ResourceClaimName = &c.claim
		} else {
			pc.ResourceClaimTemplateName = &c.template
		}
		pod.Spec.ResourceClaims = append(pod.Spec.ResourceClaims, pc)
		pod.Spec.Containers[0].Resources.Claims = append(pod.Spec.Containers[0].Resources.Claims, corev1.ResourceClaim{Name: c.name})
	}
	return pod
}

// claimRef is shorthand for a pod claim entry naming an existing ResourceClaim.
func claimRef(name, claim string) podClaim { return podClaim{name: name, claim: claim} }

// templateRef is shorthand for a pod claim entry naming a ResourceClaimTemplate.
func templateRef(name, template string) podClaim { return podClaim{name: name, template: template} }

func (e *env) getPod(name string) *corev1.Pod {
	e.t.Helper()
	p, err := e.c.CoreV1().Pods(e.ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatalf("get pod %s: %v", name, err)
	}
	return p
}

func (e *env) getClaim(name string) *resourcev1.ResourceClaim {
	e.t.Helper()
	c, err := e.c.ResourceV1().ResourceClaims(e.ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatalf("get claim %s: %v", name, err)
	}
	return c
}

// eventually polls cond until it returns true or timeout passes; then the test fails with the last detail.
func (e *env) eventually(timeout time.Duration, what string, cond func() (bool, string)) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	detail := ""
	for {
		ok, d := cond()
		if ok {
			return
		}
		detail = d
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(150 * time.Millisecond)
	}
	e.t.Fatalf("timed out after %v waiting for %s: %s%s", timeout, what, detail, e.diagnostics())
}

// diagnostics is appended to failures: component liveness and allot's log tail for allot variants.
func (e *env) diagnostics() string {
	var b strings.Builder
	if err := cl.CheckAlive(); err != nil {
		fmt.Fprintf(&b, "\ncontrol plane: %v", err)
	}
	if usesAllot(e.variant) {
		fmt.Fprintf(&b, "\nallot log tail:\n%s", cl.AllotLogTail(2000))
	}
	return b.String()
}

// waitBound waits until the pod has spec.nodeName and returns it.
func (e *env) waitBound(name string) string {
	e.t.Helper()
	var node string
	e.eventually(bindTimeout, "pod "+name+" to be bound", func() (bool, string) {
		p, err := e.c.CoreV1().Pods(e.ns).Get(e.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		node = p.Spec.NodeName
		return node != "", scheduledCondition(p)
	})
	return node
}

// waitUnschedulable waits until the scheduler reports the pod unschedulable (PodScheduled=False with reason
// Unschedulable: no node fits) and then checks that it stays unbound for settleTime more. A transient
// scheduling error (reason SchedulerError, e.g. an extender that has not seen a new claim yet) is not
// enough: the scheduler retries those after a backoff.
func (e *env) waitUnschedulable(name string) string {
	e.t.Helper()
	return e.waitPending(name, corev1.PodReasonUnschedulable)
}

// waitPending waits for PodScheduled=False with the given reason ("" = any reason) and checks the pod
// stays unbound for settleTime more.
func (e *env) waitPending(name, reason string) string {
	e.t.Helper()
	var msg string
	e.eventually(bindTimeout, "pod "+name+" to be reported unschedulable", func() (bool, string) {
		p, err := e.c.CoreV1().Pods(e.ns).Get(e.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		if p.Spec.NodeName != "" {
			e.t.Fatalf("pod %s was bound to %s, want it pending", name, p.Spec.NodeName)
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && (reason == "" || c.Reason == reason) {
				msg = c.Reason + ": " + c.Message
				return true, ""
			}
		}
		return false, scheduledCondition(p)
	})
	time.Sleep(settleTime)
	if p := e.getPod(name); p.Spec.NodeName != "" {
		e.t.Fatalf("pod %s was bound to %s after being reported unschedulable (%s)", name, p.Spec.NodeName, msg)
	}
	return msg
}

func scheduledCondition(p *corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			return fmt.Sprintf("PodScheduled=%s %s: %s", c.Status, c.Reason, c.Message)
		}
	}
	return "not scheduled yet (no PodScheduled condition)"
}

// setPhase acts as the kubelet: it moves the pod to phase (e.g. Succeeded).
func (e *env) setPhase(name string, phase corev1.PodPhase) {
	e.t.Helper()
	p := e.getPod(name)
	p.Status.Phase = phase
	if _, err := e.c.CoreV1().Pods(e.ns).UpdateStatus(e.ctx, p, metav1.UpdateOptions{}); err != nil {
		e.t.Fatalf("set pod %s phase %s: %v", name, phase, err)
	}
}

// deletePod deletes a pod at once (grace period 0, as no kubelet confirms a graceful delete).
func (e *env) deletePod(name string) {
	e.t.Helper()
	zero := int64(0)
	if err := e.c.CoreV1().Pods(e.ns).Delete(e.ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil && !apierrors.IsNotFound(err) {
		e.t.Fatalf("delete pod %s: %v", name, err)
	}
}

// claimOfPod resolves the ResourceClaim name behind the pod's claim entry (templates via status).
func (e *env) claimOfPod(p *corev1.Pod, entry string) string {
	for _, rc := range p.Spec.ResourceClaims {
		if rc.Name == entry && rc.ResourceClaimName != nil {
			return *rc.ResourceClaimName
		}
	}
	for _, s := range p.Status.ResourceClaimStatuses {
		if s.Name == entry && s.ResourceClaimName != nil {
			return *s.ResourceClaimName
		}
	}
	return ""
}

// checkAllocatedFor asserts the claim is allocated on node, reserved for the pod, and carries the
// deallocation finalizer (without it the claim controller would never deallocate).
func (e *env) checkAllocatedFor(claim *resourcev1.ResourceClaim, pod *corev1.Pod, node string) {
	e.t.Helper()
	a := claim.Status.Allocation
	if a == nil {
		e.t.Fatalf("claim %s: not allocated although pod %s is bound", claim.Name, pod.Name)
	}
	if len(a.Devices.Results) == 0 {
		e.t.Fatalf("claim %s: allocation without results", claim.Name)
	}
	if !reservedFor(claim, pod.UID) {
		e.t.Fatalf("claim %s: reservedFor %v does not contain pod %s (%s)", claim.Name, claim.Status.ReservedFor, pod.Name, pod.UID)
	}
	if !hasString(claim.Finalizers, resourcev1.Finalizer) {
		e.t.Fatalf("claim %s: finalizer %s missing (finalizers %v)", claim.Name, resourcev1.Finalizer, claim.Finalizers)
	}
	if got := selectorNode(a); got != node {
		e.t.Fatalf("claim %s: allocation nodeSelector selects %q, pod is on %q", claim.Name, got, node)
	}
}

func reservedFor(c *resourcev1.ResourceClaim, uid types.UID) bool {
	for _, r := range c.Status.ReservedFor {
		if r.UID == uid && r.Resource == "pods" {
			return true
		}
	}
	return false
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// selectorNode returns the single node an allocation's nodeSelector names by metadata.name, or "".
func selectorNode(a *resourcev1.AllocationResult) string {
	if a.NodeSelector == nil || len(a.NodeSelector.NodeSelectorTerms) != 1 {
		return ""
	}
	for _, f := range a.NodeSelector.NodeSelectorTerms[0].MatchFields {
		if f.Key == "metadata.name" && f.Operator == corev1.NodeSelectorOpIn && len(f.Values) == 1 {
			return f.Values[0]
		}
	}
	return ""
}

// waitDeallocated waits until the claim controller has cleared the claim's allocation and removed the
// finalizer (or deleted the claim).
func (e *env) waitDeallocated(name string) {
	e.t.Helper()
	e.eventually(controllerWait, "claim "+name+" to be deallocated", func() (bool, string) {
		c, err := e.c.ResourceV1().ResourceClaims(e.ns).Get(e.ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, ""
		}
		if err != nil {
			return false, err.Error()
		}
		done := c.Status.Allocation == nil && len(c.Status.ReservedFor) == 0 && !hasString(c.Finalizers, resourcev1.Finalizer)
		return done, fmt.Sprintf("allocation=%v reservedFor=%v finalizers=%v", c.Status.Allocation != nil, c.Status.ReservedFor, c.Finalizers)
	})
}

// bindAndCheck waits until pod is bound, checks claim is allocated on that node and reserved for the pod,
// and returns the node.
func (e *env) bindAndCheck(pod, claim string) string {
	e.t.Helper()
	node := e.waitBound(pod)
	e.checkAllocatedFor(e.getClaim(claim), e.getPod(pod), node)
	return node
}
