package journeys

// The seed walkthroughs that the tutorial and template journeys do not cover, each through the stock
// scheduler and through allot with the same expected outcome:
//   - TestNvidiaMemoryTemplate: a ResourceClaimTemplate `gpu-40g` selecting memory >= 40Gi on
//     gpu.nvidia.com, where only the H100 (81559Mi) qualifies and a smaller card (24 GB) does not; then a
//     prioritized-list claim (firstAvailable) that prefers such a card and falls back to any NVIDIA GPU.
//   - TestJobClaims: a Job whose two pods each get their own claim from a template and also share one
//     ResourceClaim, used by both containers of each pod.
//   - TestAdminAccess: an adminAccess claim in a namespace labelled resource.kubernetes.io/admin-access=true
//     gets a device that another claim holds; the API server refuses the same claim in an unlabelled one.

import (
	"fmt"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	resourcev1 "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	nvidiaClass    = "gpu.nvidia.com"
	h100LegacyFile = "nvidia-h100-80gb-x8-legacy.json"
	fortyGi        = "device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40Gi')) >= 0"
)

// ptrTo returns a pointer to a copy of v (the journeys module does not import k8s.io/utils directly).
func ptrTo[T any](v T) *T { return &v }

// addSmallNvidiaNode publishes two full GPUs of a 24 GB card (an L4: 23034Mi of memory) on a new node: the
// legacy H100 slice with the model's attributes and memory rewritten. (An A100-40GB would not do: its
// 40960Mi is exactly 40Gi and qualifies.)
func (e *env) addSmallNvidiaNode(short string) string {
	e.t.Helper()
	node := e.addNode(short)
	slices := e.fixtureSlices(h100LegacyFile, node, deviceNamed("gpu-0", "gpu-1"))
	for _, s := range slices {
		for i := range s.Spec.Devices {
			d := &s.Spec.Devices[i]
			d.Attributes["productName"] = resourcev1.DeviceAttribute{StringValue: ptrTo("NVIDIA L4")}
			d.Attributes["architecture"] = resourcev1.DeviceAttribute{StringValue: ptrTo("Ada Lovelace")}
			d.Attributes["uuid"] = resourcev1.DeviceAttribute{StringValue: ptrTo(fmt.Sprintf("GPU-%s-%d", node, i))}
			d.Capacity["memory"] = resourcev1.DeviceCapacity{Value: mustQ("23034Mi")}
		}
		e.addSlice(s)
	}
	return node
}

// resultOf returns the claim's single allocation result.
func (e *env) resultOf(name string) resourcev1.DeviceRequestAllocationResult {
	e.t.Helper()
	c := e.getClaim(name)
	if c.Status.Allocation == nil || len(c.Status.Allocation.Devices.Results) != 1 {
		e.t.Fatalf("claim %s: want exactly one allocated device, status %+v", name, c.Status)
	}
	return c.Status.Allocation.Devices.Results[0]
}

func TestNvidiaMemoryTemplate(t *testing.T) {
	variants(t, func(e *env) {
		e.addClass(e.fixtureClass("deviceclasses-nvidia.json", nvidiaClass))
		big := e.addNode("h100")
		e.addFixtureSlices(h100LegacyFile, big, deviceNamed("gpu-0"))
		small := e.addSmallNvidiaNode("l4")

		// gpu-40g: the H100 qualifies, the two free L4s do not.
		e.addTemplate("gpu-40g", gpuClaimSpec(nvidiaClass, fortyGi))
		e.addPod("big-1", templateRef("gpu", "gpu-40g"))
		if node := e.waitBound("big-1"); node != big {
			e.t.Fatalf("big-1 bound to %s, want the H100 node %s", node, big)
		}
		claim := e.claimOfPod(e.getPod("big-1"), "gpu")
		e.checkAllocatedFor(e.getClaim(claim), e.getPod("big-1"), big)
		if r := e.resultOf(claim); r.Pool != big || r.Device != "gpu-0" {
			e.t.Fatalf("big-1's claim got %s/%s, want %s/gpu-0", r.Pool, r.Device, big)
		}
		e.addPod("big-2", templateRef("gpu", "gpu-40g"))
		e.waitUnschedulable("big-2")
		if c := e.claimOfPod(e.getPod("big-2"), "gpu"); c != "" && e.getClaim(c).Status.Allocation != nil {
			e.t.Fatalf("claim %s of the pending pod big-2 is allocated although only L4s are free", c)
		}
		e.deletePod("big-2")

		// Prioritized list: a >= 40Gi card first, else any NVIDIA GPU. The H100 is taken: the second
		// subrequest is used, on an L4, and the result names it.
		e.addClaim(&resourcev1.ResourceClaim{
			ObjectMeta: metav1.ObjectMeta{Name: "flex"},
			Spec: resourcev1.ResourceClaimSpec{Devices: resourcev1.DeviceClaim{Requests: []resourcev1.DeviceRequest{{
				Name: "gpu",
				FirstAvailable: []resourcev1.DeviceSubRequest{
					{Name: "big", DeviceClassName: nvidiaClass, Selectors: []resourcev1.DeviceSelector{
						{CEL: &resourcev1.CELDeviceSelector{Expression: fortyGi}}}},
					{Name: "any", DeviceClassName: nvidiaClass},
				},
			}}}},
		})
		e.addPod("flex", claimRef("gpu", "flex"))
		if node := e.bindAndCheck("flex", "flex"); node != small {
			e.t.Fatalf("flex bound to %s, want the L4 node %s", node, small)
		}
		if r := e.resultOf("flex"); r.Request != "gpu/any" || r.Pool != small {
			e.t.Fatalf("flex got request %q on pool %s, want gpu/any on %s", r.Request, r.Pool, small)
		}
	})
}

func TestJobClaims(t *testing.T) {
	variants(t, func(e *env) {
		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		node := e.addNode("n1")
		e.addFixtureSlices("example-driver-8gpu.json", node, deviceNamed("gpu-0", "gpu-1", "gpu-2"))
		e.addTemplate("own-gpu", gpuClaimSpec(exampleClass, tenGi))
		e.gpuClaim("shared-gpu")

		// Two pods at once, each: its own claim from the template (used by the trainer) and the shared claim
		// (used by the trainer and the sidecar).
		pod := e.buildPod("", templateRef("own", "own-gpu"), claimRef("shared", "shared-gpu"))
		pod.Spec.RestartPolicy = corev1.RestartPolicyNever
		pod.Spec.Containers[0].Name = "trainer"
		sidecar := pod.Spec.Containers[0]
		sidecar.Name = "sidecar"
		sidecar.Resources.Claims = []corev1.ResourceClaim{{Name: "shared"}}
		pod.Spec.Containers = append(pod.Spec.Containers, sidecar)
		job := &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "train"},
			Spec: batchv1.JobSpec{
				Parallelism: ptrTo[int32](2),
				Completions: ptrTo[int32](2),
				Template:    corev1.PodTemplateSpec{Spec: pod.Spec},
			},
		}
		jobs := e.c.BatchV1().Jobs(e.ns)
		if _, err := jobs.Create(e.ctx, job, metav1.CreateOptions{}); err != nil {
			e.t.Fatalf("create Job: %v", err)
		}
		// The pods must go before the generic cleanup deletes pods, or the Job would replace them.
		e.t.Cleanup(func() {
			_ = jobs.Delete(e.ctx, job.Name, metav1.DeleteOptions{PropagationPolicy: ptrTo(metav1.DeletePropagationBackground)})
		})

		var pods []corev1.Pod
		e.eventually(bindTimeout, "both pods of Job train to be bound", func() (bool, string) {
			list, err := e.c.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: batchv1.JobNameLabel + "=train"})
			if err != nil {
				return false, err.Error()
			}
			pods = list.Items
			var states []string
			bound := 0
			for i := range pods {
				if pods[i].Spec.NodeName != "" {
					bound++
				}
				states = append(states, pods[i].Name+": "+scheduledCondition(&pods[i]))
			}
			return len(pods) == 2 && bound == 2, strings.Join(states, "; ")
		})
		devices := map[string]string{} // device -> claim
		for i := range pods {
			p := &pods[i]
			if p.Spec.NodeName != node {
				e.t.Fatalf("pod %s bound to %s, want %s", p.Name, p.Spec.NodeName, node)
			}
			own := e.claimOfPod(p, "own")
			if own == "" {
				e.t.Fatalf("pod %s: no generated claim for entry own: %+v", p.Name, p.Status.ResourceClaimStatuses)
			}
			c := e.getClaim(own)
			if !metav1.IsControlledBy(c, p) {
				e.t.Fatalf("claim %s is not controlled by pod %s: %+v", own, p.Name, c.OwnerReferences)
			}
			e.checkAllocatedFor(c, p, node)
			devices[e.resultOf(own).Device] = own
		}
		shared := e.getClaim("shared-gpu")
		for i := range pods {
			e.checkAllocatedFor(shared, &pods[i], node)
		}
		if n := len(shared.Status.ReservedFor); n != 2 {
			e.t.Fatalf("shared-gpu reservedFor has %d entries, want one per pod (2): %s", n, reservedNames(shared))
		}
		devices[e.resultOf("shared-gpu").Device] = "shared-gpu"
		if len(devices) != 3 {
			e.t.Fatalf("three claims share devices: %v", devices)
		}

		// Both pods finish (the test plays kubelet): the Job completes, the generated claims are deleted and
		// the shared claim is deallocated.
		for i := range pods {
			e.setPhase(pods[i].Name, corev1.PodSucceeded)
		}
		e.eventually(controllerWait, "Job train to complete", func() (bool, string) {
			j, err := jobs.Get(e.ctx, job.Name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			for _, c := range j.Status.Conditions {
				if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
					return true, ""
				}
			}
			return false, fmt.Sprintf("succeeded=%d conditions=%+v", j.Status.Succeeded, j.Status.Conditions)
		})
		for _, claim := range devices {
			if claim == "shared-gpu" {
				e.waitDeallocated(claim)
				continue
			}
			e.eventually(controllerWait, "generated claim "+claim+" to be deleted", func() (bool, string) {
				_, err := e.c.ResourceV1().ResourceClaims(e.ns).Get(e.ctx, claim, metav1.GetOptions{})
				return apierrors.IsNotFound(err), fmt.Sprintf("get: %v", err)
			})
		}
	})
}

func TestAdminAccess(t *testing.T) {
	variants(t, func(e *env) {
		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		node := e.addNode("n1")
		e.addFixtureSlices("example-driver-8gpu.json", node, deviceNamed("gpu-0"))
		adminClaim := func(name string) *resourcev1.ResourceClaim {
			spec := gpuClaimSpec(exampleClass, "")
			spec.Devices.Requests[0].Exactly.AdminAccess = ptrTo(true)
			return &resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}
		}

		// An unlabelled namespace: the API server refuses the admin-access claim.
		plain := e.prefix + "-plain"
		if _, err := e.c.CoreV1().Namespaces().Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: plain}}, metav1.CreateOptions{}); err != nil {
			e.t.Fatalf("create namespace %s: %v", plain, err)
		}
		e.t.Cleanup(func() { _ = e.c.CoreV1().Namespaces().Delete(e.ctx, plain, metav1.DeleteOptions{}) })
		_, err := e.c.ResourceV1().ResourceClaims(plain).Create(e.ctx, adminClaim("monitor"), metav1.CreateOptions{})
		if err == nil || !strings.Contains(err.Error(), "admin-access") {
			e.t.Fatalf("admin-access claim in an unlabelled namespace: err = %v, want a refusal naming the admin-access label", err)
		}

		// The test's namespace, labelled: an ordinary claim takes the only GPU, then an admin-access claim
		// gets the same device (it ignores other claims' allocations) and its pod runs on the same node.
		ns, err := e.c.CoreV1().Namespaces().Get(e.ctx, e.ns, metav1.GetOptions{})
		if err != nil {
			e.t.Fatalf("get namespace: %v", err)
		}
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels["resource.kubernetes.io/admin-access"] = "true"
		if _, err := e.c.CoreV1().Namespaces().Update(e.ctx, ns, metav1.UpdateOptions{}); err != nil {
			e.t.Fatalf("label namespace: %v", err)
		}
		e.gpuClaim("user")
		e.addPod("user", claimRef("gpu", "user"))
		e.bindAndCheck("user", "user")
		e.addClaim(adminClaim("monitor"))
		e.addPod("monitor", claimRef("gpu", "monitor"))
		if got := e.bindAndCheck("monitor", "monitor"); got != node {
			e.t.Fatalf("monitor bound to %s, want %s", got, node)
		}
		user, admin := e.resultOf("user"), e.resultOf("monitor")
		if admin.Device != user.Device || admin.Pool != user.Pool {
			e.t.Fatalf("admin claim got %s/%s, want the device the user claim holds (%s/%s)", admin.Pool, admin.Device, user.Pool, user.Device)
		}
		if admin.AdminAccess == nil || !*admin.AdminAccess {
			e.t.Fatalf("admin claim's result has adminAccess %v, want true", admin.AdminAccess)
		}
		if user.AdminAccess != nil {
			e.t.Fatalf("ordinary claim's result has adminAccess %v, want it unset", *user.AdminAccess)
		}
	})
}
