package journeys

// Objects of the throughput benchmark (perf_test.go): scheduler_perf's nodes, slices, class, template and
// pods, and the check of the allocations both variants produced.

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	resourcev1 "k8s.io/api/resource/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

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
