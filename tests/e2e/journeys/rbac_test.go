package journeys

// Journey 5, faults: RBAC negative. allot runs with an identity whose ClusterRole is deploy/k8s's role
// minus one permission that bind needs; a pod with a claim must then stay unbound, its claim left without
// allocation and reservation, and allot must report the API server's refusal. With the standard identity
// back, the same pod is scheduled.
//
// What the API server answers (kube-apiserver 1.37, DRAResourceClaimGranularStatusAuthorization on, the
// default since 1.36):
//   - without resourceclaims/binding: the status write that sets status.allocation/reservedFor is rejected
//     by the claim status strategy's validation, so it is HTTP 422 Invalid with a field error
//     "status.allocation: Forbidden: changing status.allocation or status.reservedFor requires
//     resource=\"resourceclaims/binding\" ...", not a 403. allot's bind adds the claim's
//     delete-protection finalizer (a plain claim update, still allowed) before that write, and its undo
//     does not remove finalizers, so the finalizer stays on the unallocated claim. That is harmless: the
//     claim controller removes it when the claim is deleted (the test's cleanup waits for exactly that),
//     and a later successful bind reuses it.
//   - without pods/binding: the claim is allocated and reserved first, the binding is refused with HTTP
//     403 Forbidden, and allot's undo must take allocation and reservation back.

import (
	"os"
	"strings"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"allot/tests/e2e/harness"
)

// Users in the API server's token file without any RBAC of their own; the RBAC journey grants them the
// deploy role minus one permission.
const (
	userNoClaimBinding = "e2e-allot-no-claim-binding"
	userNoPodBinding   = "e2e-allot-no-pod-binding"
)

// rbacUsers are passed to harness.Options.ExtraUsers.
var rbacUsers = []string{userNoClaimBinding, userNoPodBinding}

type missingPermission struct {
	name       string // subtest
	user       string
	group      string // API group of resource
	resource   string // as RBAC names it, e.g. "resourceclaims/binding"
	writeVerb  string // allot_apiserver_requests_total verb of the refused write
	wantLog    []string
	wantUndone bool // allot wrote the claim before the refusal, so its undo must have run
}

func TestRBACMissingBinding(t *testing.T) {
	skipIfNoAllot(t, Allot)
	cases := []missingPermission{
		{
			name: "resourceclaims-binding", user: userNoClaimBinding, group: "resource.k8s.io", resource: "resourceclaims/binding",
			writeVerb: "update_status", wantLog: []string{"HTTP 422", `resource="resourceclaims/binding"`},
		},
		{
			name: "pods-binding", user: userNoPodBinding, group: "", resource: "pods/binding",
			writeVerb: "create", wantLog: []string{"HTTP 403", "pods/binding"}, wantUndone: true,
		},
	}
	t.Run(Allot, func(t *testing.T) {
		for _, mp := range cases {
			t.Run(mp.name, func(t *testing.T) { rbacMissing(newEnv(t, Allot), mp) })
		}
	})
}

func rbacMissing(e *env, mp missingPermission) {
	if mp.group == "resource.k8s.io" && strings.Contains(os.Getenv("E2E_FEATURE_GATES"), "DRAResourceClaimGranularStatusAuthorization=false") {
		e.t.Skip("E2E_FEATURE_GATES turns DRAResourceClaimGranularStatusAuthorization off: resourceclaims/binding is not checked")
	}
	e.grantDeployRoleWithout(mp)
	kubeconfig, err := cl.WriteKubeconfig("allot-"+mp.name+".kubeconfig", cl.APIServerURL, cl.UserTokens[mp.user])
	if err != nil {
		e.t.Fatal(err)
	}
	if err := cl.StartAllotAs("allot-"+mp.name, kubeconfig); err != nil {
		e.t.Fatalf("allot as %s: %v", mp.user, err)
	}
	e.t.Cleanup(func() {
		if err := cl.StartAllot(); err != nil {
			e.t.Errorf("restore the standard allot: %v", err)
		}
	})
	logPath := cl.AllotLogPath()

	e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
	n1 := e.addNode("n1")
	e.addFixtureSlices("example-driver-8gpu.json", n1, deviceNamed("gpu-0"))
	e.gpuClaim("gpu")
	e.addPod("p", claimRef("gpu", "gpu"))

	// The scheduler filters, then asks allot to bind; allot's write is refused. It retries with backoff.
	e.eventually(bindTimeout, "a failed bind", func() (bool, string) {
		if p := e.getPod("p"); p.Spec.NodeName != "" {
			e.t.Fatalf("pod p bound to %s by an allot without %s", p.Spec.NodeName, mp.resource)
		}
		v := e.allotMetric("allot_bind_total", "result", "error")
		return v > 0, "no bind error yet"
	})
	if v := e.allotMetric("allot_apiserver_requests_total", "verb", mp.writeVerb, "code", "4xx"); v == 0 {
		e.t.Fatalf("allot_apiserver_requests_total{verb=%q,code=\"4xx\"} is 0 after a refused bind", mp.writeVerb)
	}
	if v := e.allotMetric("allot_bind_total", "result", "bound"); v != 0 {
		e.t.Fatalf("allot_bind_total{result=\"bound\"} = %g without %s", v, mp.resource)
	}
	if mp.wantUndone {
		ok, failed := e.allotMetric("allot_bind_undo_total", "result", "ok"), e.allotMetric("allot_bind_undo_total", "result", "error")
		if ok == 0 || failed != 0 {
			e.t.Fatalf("allot_bind_undo_total: ok=%g error=%g, want ok > 0 and no error", ok, failed)
		}
	}
	// Stop allot gracefully: it finishes an in-flight bind (and its undo), so the claim is at rest below.
	cl.StopAllot()

	if bound := e.allotLogHas(logPath, "bound "+e.ns+"/p "); bound {
		e.t.Fatalf("allot logged a successful bind of p without %s", mp.resource)
	}
	for _, want := range mp.wantLog {
		if !e.allotLogHas(logPath, want) {
			e.t.Fatalf("allot's log %s does not mention %q; tail:\n%s", logPath, want, tailFile(logPath, 3000))
		}
	}
	e.t.Logf("allot's bind error: %s", lastLine(logPath, "bind "+e.ns+"/p "))

	if p := e.getPod("p"); p.Spec.NodeName != "" {
		e.t.Fatalf("pod p bound to %s by an allot without %s", p.Spec.NodeName, mp.resource)
	}
	c := e.getClaim("gpu")
	if c.Status.Allocation != nil || len(c.Status.ReservedFor) != 0 {
		e.t.Fatalf("claim gpu half-written after the refused bind: allocation=%+v reservedFor=%v", c.Status.Allocation, c.Status.ReservedFor)
	}
	e.t.Logf("claim gpu after the refused bind: unallocated, not reserved, finalizers %v", c.Finalizers)

	// The standard identity: the scheduler's next retry binds the same pod.
	if err := cl.StartAllot(); err != nil {
		e.t.Fatalf("standard allot: %v", err)
	}
	node := e.bindAndCheck("p", "gpu")
	if node != n1 {
		e.t.Fatalf("pod p bound to %s, want %s", node, n1)
	}
}

// grantDeployRoleWithout gives mp.user a ClusterRole with deploy/k8s's rules for allot minus every verb on
// mp.resource, and waits until the API server's authorizer agrees (the permission is denied while the
// claim status write is allowed). Both objects are removed at cleanup.
func (e *env) grantDeployRoleWithout(mp missingPermission) {
	e.t.Helper()
	rules, err := cl.RBAC.ClusterRules()
	if err != nil {
		e.t.Fatal(err)
	}
	rules, found := harness.WithoutResource(rules, mp.group, mp.resource)
	if !found {
		e.t.Fatalf("%s does not grant %s to allot, so there is nothing to take away", cl.RBAC.Source, mp.resource)
	}
	name := e.prefix + "-restricted"
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
	if _, err := e.c.RbacV1().ClusterRoles().Create(e.ctx, role, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create ClusterRole: %v", err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: mp.user}},
	}
	if _, err := e.c.RbacV1().ClusterRoleBindings().Create(e.ctx, binding, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("create ClusterRoleBinding: %v", err)
	}
	e.t.Cleanup(func() {
		_ = e.c.RbacV1().ClusterRoleBindings().Delete(e.ctx, name, metav1.DeleteOptions{})
		_ = e.c.RbacV1().ClusterRoles().Delete(e.ctx, name, metav1.DeleteOptions{})
	})
	resource, sub, _ := strings.Cut(mp.resource, "/")
	missingVerb := "update"
	if mp.resource == "pods/binding" {
		missingVerb = "create"
	}
	e.eventually(30*time.Second, "the restricted role to take effect", func() (bool, string) {
		missing := e.allowed(mp.user, mp.group, resource, sub, missingVerb)
		status := e.allowed(mp.user, "resource.k8s.io", "resourceclaims", "status", "update")
		return !missing && status, "allowed: " + mp.resource + "=" + boolText(missing) + " resourceclaims/status=" + boolText(status)
	})
}

// allowed asks the API server's authorizer (SubjectAccessReview) whether user may verb group/resource/sub.
func (e *env) allowed(user, group, resource, sub, verb string) bool {
	e.t.Helper()
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               user,
		Groups:             []string{"system:authenticated"},
		ResourceAttributes: &authorizationv1.ResourceAttributes{Group: group, Resource: resource, Subresource: sub, Verb: verb, Namespace: e.ns},
	}}
	out, err := e.c.AuthorizationV1().SubjectAccessReviews().Create(e.ctx, sar, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("SubjectAccessReview: %v", err)
	}
	return out.Status.Allowed
}

func boolText(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// allotLogHas reports whether allot's log file contains s.
func (e *env) allotLogHas(path, s string) bool {
	e.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatalf("allot log: %v", err)
	}
	return strings.Contains(string(data), s)
}

// lastLine returns the last line of the file at path that contains s ("" if none).
func lastLine(path, s string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(string(data), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return lines[i]
		}
	}
	return ""
}

// tailFile returns the last n bytes of the file at path.
func tailFile(path string, n int) string {
	data, _ := os.ReadFile(path)
	if len(data) > n {
		data = data[len(data)-n:]
	}
	return string(data)
}
