package harness

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func writeManifest(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadRBACServiceAccountIdentity(t *testing.T) {
	m, err := LoadRBAC([]string{"../testdata/rbac.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Identity.User != "system:serviceaccount:allot-system:allot" {
		t.Fatalf("identity %q", m.Identity.User)
	}
	want := map[string]bool{"system:serviceaccounts": true, "system:serviceaccounts:allot-system": true, "system:authenticated": true}
	if len(m.Identity.Groups) != len(want) {
		t.Fatalf("groups %v", m.Identity.Groups)
	}
	for _, g := range m.Identity.Groups {
		if !want[g] {
			t.Fatalf("unexpected group %q in %v", g, m.Identity.Groups)
		}
	}
	// Namespace first, bindings last.
	if m.Objects[0].GetKind() != "Namespace" || m.Objects[len(m.Objects)-1].GetKind() != "ClusterRoleBinding" {
		t.Fatalf("apply order: first %s, last %s", m.Objects[0].GetKind(), m.Objects[len(m.Objects)-1].GetKind())
	}
}

func TestLoadRBACFallsBackAndIgnoresOtherKinds(t *testing.T) {
	dir := t.TempDir()
	deploy := writeManifest(t, dir, "deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
	m, err := LoadRBAC([]string{deploy}, []string{"../testdata/rbac.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "../testdata/rbac.yaml" {
		t.Fatalf("source %q, want the fallback", m.Source)
	}
	for _, o := range m.Objects {
		if o.GetKind() == "Deployment" {
			t.Fatal("a Deployment was taken for RBAC")
		}
	}
}

func TestLoadRBACPicksTheAllotSubject(t *testing.T) {
	dir := t.TempDir()
	f := writeManifest(t, dir, "rbac.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects:
- {kind: ServiceAccount, name: allot, namespace: ns1}
- {kind: User, name: someone-else}
`)
	m, err := LoadRBAC([]string{f})
	if err != nil {
		t.Fatal(err)
	}
	if m.Identity.User != "system:serviceaccount:ns1:allot" {
		t.Fatalf("identity %q", m.Identity.User)
	}
	g := writeManifest(t, dir, "two.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
subjects:
- {kind: User, name: a}
- {kind: User, name: b}
`)
	if _, err := LoadRBAC([]string{g}); err == nil {
		t.Fatal("two unrelated subjects: want an error")
	}
}

func TestClusterRulesWithoutResource(t *testing.T) {
	m, err := LoadRBAC([]string{"../testdata/rbac.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := m.ClusterRules()
	if err != nil {
		t.Fatal(err)
	}
	grants := func(rules []rbacv1.PolicyRule, group, resource string) bool {
		for _, r := range rules {
			if slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) {
				return true
			}
		}
		return false
	}
	if !grants(rules, "resource.k8s.io", "resourceclaims/binding") || !grants(rules, "", "pods/binding") {
		t.Fatalf("the fixture should grant both bindings: %+v", rules)
	}
	less, found := WithoutResource(rules, "resource.k8s.io", "resourceclaims/binding")
	if !found || grants(less, "resource.k8s.io", "resourceclaims/binding") {
		t.Fatalf("resourceclaims/binding still granted (found=%v): %+v", found, less)
	}
	for _, keep := range []string{"resourceclaims/status", "resourceclaims", "resourceslices"} {
		if !grants(less, "resource.k8s.io", keep) {
			t.Fatalf("%s lost: %+v", keep, less)
		}
	}
	if !grants(less, "", "pods/binding") {
		t.Fatalf("pods/binding lost: %+v", less)
	}
	if _, found := WithoutResource(rules, "resource.k8s.io", "no-such-resource"); found {
		t.Fatal("found a resource that is not granted")
	}

	// A rule for two groups keeps the resource for the other group.
	multi := []rbacv1.PolicyRule{{APIGroups: []string{"", "events.k8s.io"}, Resources: []string{"events"}, Verbs: []string{"create"}}}
	left, found := WithoutResource(multi, "", "events")
	if !found || grants(left, "", "events") || !grants(left, "events.k8s.io", "events") {
		t.Fatalf("two-group rule: found=%v %+v", found, left)
	}
	if len(multi[0].APIGroups) != 2 {
		t.Fatalf("input modified: %+v", multi)
	}
}
