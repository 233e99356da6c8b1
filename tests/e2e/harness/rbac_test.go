package harness

import (
	"os"
	"path/filepath"
	"testing"
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
