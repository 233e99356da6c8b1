package journeys

// `kubectl allot` through the real API server's service proxy (issue 13 §5: "reaches allot through the API
// server's service proxy"), without --allot-url. kube-apiserver 1.37 proxies a service only to an endpoint
// whose address is a pod IP of a pod in the Service's namespace (pkg/registry/core/service/storage,
// ResourceLocation), and EndpointSlice validation refuses loopback addresses, while the harness's allot
// listens on 127.0.0.1. So this journey runs a second allot on a non-loopback address of the machine
// (harness.StartExtraAllot; skipped, with the reason, when there is none) and publishes it where the plugin
// looks by default (service/kubectl/plugin_options.h): Service allot-system/allot, port 8888 named http,
// selector-less, with an EndpointSlice pointing at that allot and at a stand-in Pod whose status.podIPs
// holds the address. A user with no other permission runs the plugin: refused without RBAC for
// services/proxy, then, once granted, `inventory`, `explain pod/NAME` and `simulate -f … --replicas N`
// with `-o json` answer exactly what the same allot answers directly.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	resourcev1 "k8s.io/api/resource/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"allot/tests/e2e/harness"
)

// kubectlProxyUser is in the API server's token file (harness.Options.ExtraUsers) with no RBAC of its own;
// the journey grants it services/proxy in allot's namespace.
const kubectlProxyUser = "e2e-kubectl-allot"

// The plugin's defaults (plugin_options.h): --allot-namespace, --allot-service, --allot-port.
const (
	allotNamespace = "allot-system"
	allotService   = "allot"
	allotSvcPort   = 8888
)

func TestKubectlAllotServiceProxy(t *testing.T) {
	allotOnly(t, func(e *env) {
		ip, err := harness.NonLoopbackIPv4()
		if err != nil {
			e.t.Skipf("kubectl allot through the service proxy: kube-apiserver proxies only to non-loopback pod IPs and this machine has none (%v)", err)
		}
		// One GPU taken, a pod asking for two pending: one node is full, the other has too few.
		n1, n2 := e.twoExampleNodes()
		e.gpuClaim("one")
		e.addPod("one", claimRef("gpu", "one"))
		full := e.bindAndCheck("one", "one")
		spec := gpuClaimSpec(exampleClass, tenGi)
		spec.Devices.Requests[0].Exactly.Count = 2
		e.addClaim(&resourcev1.ResourceClaim{ObjectMeta: metav1.ObjectMeta{Name: "two"}, Spec: spec})
		e.addPod("two", claimRef("gpu", "two"))
		e.waitUnschedulable("two")

		x, err := cl.StartExtraAllot("allot-proxied", ip.String())
		if err != nil {
			e.t.Fatalf("allot on %s: %v", ip, err)
		}
		e.t.Cleanup(func() { x.Process.Stop(10 * time.Second) })
		e.publishAllotService(x, n1)
		kubeconfig, err := cl.WriteKubeconfig("kubectl-allot-user.kubeconfig", cl.APIServerURL, cl.UserTokens[kubectlProxyUser])
		if err != nil {
			e.t.Fatal(err)
		}
		common := []string{"--kubeconfig", kubeconfig, "-o", "json"}

		// Without RBAC the API server refuses the proxy request, and the plugin says so.
		_, errText, ok := e.kubectlAllot(append([]string{"inventory"}, common...)...)
		if ok || !strings.Contains(errText, `cannot get resource \"services/proxy\"`) && !strings.Contains(errText, `cannot get resource "services/proxy"`) {
			e.t.Fatalf("inventory without services/proxy: ok=%v stderr=%q, want the API server's refusal", ok, errText)
		}
		e.grantServiceProxy(kubectlProxyUser)

		// inventory: the proxied answer is the direct one.
		var out string
		e.eventually(30*time.Second, "kubectl allot inventory through the service proxy", func() (bool, string) {
			var errText string
			out, errText, ok = e.kubectlAllot(append([]string{"inventory", "--driver", exampleClass}, common...)...)
			return ok, errText
		})
		direct := e.getAllot(x.URL + "/api/v1/inventory?driver=" + exampleClass)
		sameJSON(e, "inventory", out, direct)
		var inv struct {
			Pools []struct {
				Pool             string `json:"pool"`
				AllocatedDevices int    `json:"allocatedDevices"`
			} `json:"pools"`
		}
		if err := json.Unmarshal([]byte(out), &inv); err != nil || len(inv.Pools) != 2 {
			e.t.Fatalf("inventory through the proxy = %s (%v), want this test's two pools", out, err)
		}

		// explain pod/two: the node with pod one's GPU is DevicesInUse, the other has one device for two.
		out, errText, ok = e.kubectlAllot(append([]string{"explain", "pod/two", "-n", e.ns, "--nodes", n1 + "," + n2}, common...)...)
		if !ok {
			e.t.Fatalf("explain through the proxy: %s", errText)
		}
		sameJSON(e, "explain", out, e.postAllot(x.URL+"/api/v1/explain", map[string]any{
			"podRef": map[string]string{"namespace": e.ns, "name": "two"}, "nodes": []string{n1, n2},
		}))
		var ex explainAnswer
		if err := json.Unmarshal([]byte(out), &ex); err != nil || len(ex.Fits) != 0 || len(ex.Nodes) != 2 {
			e.t.Fatalf("explain through the proxy = %s (%v), want no node fitting", out, err)
		}
		for _, n := range ex.Nodes {
			want := "InsufficientDevices"
			if n.Node == full {
				want = "DevicesInUse"
			}
			if len(n.Reasons) != 1 || n.Reasons[0].Code != want || n.Reasons[0].Claim != e.ns+"/two" {
				e.t.Fatalf("explain through the proxy, node %s: %+v, want %s for %s/two", n.Node, n.Reasons, want, e.ns)
			}
		}

		// simulate -f: three replicas of a one-GPU pod; one fits (the free GPU), the second fails.
		pod, tmpl := proxyWorker(e.scheduler)
		manifest, _ := json.Marshal([]any{pod, tmpl})
		file := filepath.Join(e.t.TempDir(), "worker.json")
		if err := os.WriteFile(file, manifest, 0o644); err != nil {
			e.t.Fatal(err)
		}
		out, errText, ok = e.kubectlAllot(append([]string{"simulate", "-f", file, "--replicas", "3", "-n", e.ns, "--nodes", n1 + "," + n2}, common...)...)
		if !ok {
			e.t.Fatalf("simulate through the proxy: %s", errText)
		}
		pod.Namespace, tmpl.Namespace = e.ns, e.ns
		sameJSON(e, "simulate", out, e.postAllot(x.URL+"/api/v1/simulate", map[string]any{
			"pod": pod, "templates": []any{tmpl}, "replicas": 3, "nodes": []string{n1, n2},
		}))
		var sim simulateAnswer
		if err := json.Unmarshal([]byte(out), &sim); err != nil || sim.Placed != 1 || sim.Replicas != 3 || len(sim.Placements) != 1 ||
			sim.Placements[0].Node == full || len(sim.FirstFailure) == 0 {
			e.t.Fatalf("simulate through the proxy = %s (%v), want 1 of 3 placed on the node other than %s", out, err, full)
		}
	})
}

// sameJSON fails the test unless the plugin's -o json output and allot's direct answer are the same JSON.
func sameJSON(e *env, what, plugin string, direct []byte) {
	e.t.Helper()
	var a, b any
	if err := json.Unmarshal([]byte(plugin), &a); err != nil {
		e.t.Fatalf("%s: plugin output is not JSON (%v): %s", what, err, plugin)
	}
	if err := json.Unmarshal(direct, &b); err != nil {
		e.t.Fatalf("%s: allot's answer is not JSON (%v): %s", what, err, direct)
	}
	if canonicalJSON(a) != canonicalJSON(b) {
		e.t.Fatalf("%s through the service proxy differs from allot's direct answer:\n  proxy:  %s\n  direct: %s", what, canonicalJSON(a), canonicalJSON(b))
	}
}

// proxyWorker is the pod simulated through the plugin: one GPU from a template, no namespace (the plugin
// gives it -n).
func proxyWorker(scheduler string) (*corev1.Pod, *resourcev1.ResourceClaimTemplate) {
	tmpl := &resourcev1.ResourceClaimTemplate{
		TypeMeta:   metav1.TypeMeta{APIVersion: "resource.k8s.io/v1", Kind: "ResourceClaimTemplate"},
		ObjectMeta: metav1.ObjectMeta{Name: "one-gpu"},
		Spec:       resourcev1.ResourceClaimTemplateSpec{Spec: gpuClaimSpec(exampleClass, tenGi)},
	}
	name := "gpu"
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "worker"},
		Spec: corev1.PodSpec{
			SchedulerName: scheduler,
			Containers: []corev1.Container{{
				Name: "c", Image: "registry.k8s.io/pause:3.10",
				Resources: corev1.ResourceRequirements{Claims: []corev1.ResourceClaim{{Name: name}}},
			}},
			ResourceClaims: []corev1.PodResourceClaim{{Name: name, ResourceClaimTemplateName: &tmpl.Name}},
		},
	}
	return pod, tmpl
}

// publishAllotService makes x reachable as the plugin's default service: a stand-in Pod (on node, with
// x's address as its pod IP), a selector-less Service allot-system/allot and an EndpointSlice pointing at
// x through that pod. All are deleted at cleanup (TestKubectlAllot expects no such Service).
func (e *env) publishAllotService(x *harness.ExtraAllot, node string) {
	e.t.Helper()
	if _, err := e.c.CoreV1().Namespaces().Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: allotNamespace}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		e.t.Fatalf("namespace %s: %v", allotNamespace, err)
	}
	podName := e.prefix + "-allot"
	pod, err := e.c.CoreV1().Pods(allotNamespace).Create(e.ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: podName, Labels: map[string]string{"app.kubernetes.io/name": "allot-e2e"}},
		Spec: corev1.PodSpec{
			NodeName:                      node,
			Containers:                    []corev1.Container{{Name: "allot", Image: "allot:e2e"}},
			TerminationGracePeriodSeconds: new(int64),
		},
	}, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("stand-in pod: %v", err)
	}
	zero := int64(0)
	e.t.Cleanup(func() {
		_ = e.c.CoreV1().Pods(allotNamespace).Delete(e.ctx, podName, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	})
	pod.Status.Phase = corev1.PodRunning
	pod.Status.PodIP = x.Host
	pod.Status.PodIPs = []corev1.PodIP{{IP: x.Host}}
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if _, err := e.c.CoreV1().Pods(allotNamespace).UpdateStatus(e.ctx, pod, metav1.UpdateOptions{}); err != nil {
		e.t.Fatalf("stand-in pod status: %v", err)
	}

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: allotService},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{
			Name: "http", Port: allotSvcPort, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(int32(x.Port)),
		}}},
	}
	if _, err := e.c.CoreV1().Services(allotNamespace).Create(e.ctx, svc, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("service %s/%s: %v", allotNamespace, allotService, err)
	}
	e.t.Cleanup(func() { _ = e.c.CoreV1().Services(allotNamespace).Delete(e.ctx, allotService, metav1.DeleteOptions{}) })

	portName, port, ready := "http", int32(x.Port), true
	proto := corev1.ProtocolTCP
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: e.prefix + "-allot", Labels: map[string]string{
			discoveryv1.LabelServiceName: allotService, discoveryv1.LabelManagedBy: "e2e.allot",
		}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{
			Addresses:  []string{x.Host},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready},
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: allotNamespace, Name: podName, UID: pod.UID},
			NodeName:   &node,
		}},
		Ports: []discoveryv1.EndpointPort{{Name: &portName, Port: &port, Protocol: &proto}},
	}
	if _, err := e.c.DiscoveryV1().EndpointSlices(allotNamespace).Create(e.ctx, slice, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("EndpointSlice: %v", err)
	}
	e.t.Cleanup(func() {
		_ = e.c.DiscoveryV1().EndpointSlices(allotNamespace).Delete(e.ctx, slice.Name, metav1.DeleteOptions{})
	})
}

// grantServiceProxy lets user reach allot's service proxy (GET and POST) in allot's namespace, and nothing
// else.
func (e *env) grantServiceProxy(user string) {
	e.t.Helper()
	name := e.prefix + "-proxy"
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"services/proxy"}, Verbs: []string{"get", "create"}}},
	}
	if _, err := e.c.RbacV1().Roles(allotNamespace).Create(e.ctx, role, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("role: %v", err)
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if _, err := e.c.RbacV1().RoleBindings(allotNamespace).Create(e.ctx, binding, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("role binding: %v", err)
	}
	e.t.Cleanup(func() {
		_ = e.c.RbacV1().RoleBindings(allotNamespace).Delete(e.ctx, name, metav1.DeleteOptions{})
		_ = e.c.RbacV1().Roles(allotNamespace).Delete(e.ctx, name, metav1.DeleteOptions{})
	})
}
