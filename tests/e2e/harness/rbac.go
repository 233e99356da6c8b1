package harness

// The RBAC allot runs with. The manifests are read from deploy/k8s/ (the ones users apply); until that
// folder holds RBAC, from tests/e2e/testdata/rbac.yaml. The harness applies the RBAC kinds (Namespace,
// ServiceAccount, ClusterRole, ClusterRoleBinding, Role, RoleBinding) unchanged and ignores the rest
// (Deployments, ConfigMaps, ...). allot's API identity is the ServiceAccount (or User) those bindings
// name: the static token file asserts exactly that user and its groups, so a permission missing from the
// manifests fails the tests the same way it would fail in a cluster.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
)

// Identity is a user as the static token file names it.
type Identity struct {
	User   string
	Groups []string
}

// RBACManifests is the parsed set of RBAC objects and the identity they grant rights to.
type RBACManifests struct {
	Source   string // the files the objects were read from
	Objects  []*unstructured.Unstructured
	Identity Identity
}

var rbacKinds = map[string]struct {
	gvr        schema.GroupVersionResource
	namespaced bool
	order      int
}{
	"Namespace":          {schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, false, 0},
	"ServiceAccount":     {schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}, true, 1},
	"ClusterRole":        {schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}, false, 2},
	"Role":               {schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}, true, 2},
	"ClusterRoleBinding": {schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}, false, 3},
	"RoleBinding":        {schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}, true, 3},
}

// LoadRBAC reads the RBAC objects from the first file set that has any, and derives allot's identity from
// the ServiceAccount or User subject of its bindings (exactly one, or exactly one whose name contains
// "allot").
func LoadRBAC(fileSets ...[]string) (*RBACManifests, error) {
	for _, files := range fileSets {
		m := &RBACManifests{}
		for _, f := range files {
			objs, err := readObjects(f)
			if err != nil {
				return nil, err
			}
			for _, o := range objs {
				if _, ok := rbacKinds[o.GetKind()]; ok {
					m.Objects = append(m.Objects, o)
				}
			}
		}
		if len(m.Objects) == 0 {
			continue
		}
		m.Source = strings.Join(files, ",")
		sort.SliceStable(m.Objects, func(i, j int) bool {
			return rbacKinds[m.Objects[i].GetKind()].order < rbacKinds[m.Objects[j].GetKind()].order
		})
		id, err := bindingIdentity(m.Objects)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Source, err)
		}
		m.Identity = id
		return m, nil
	}
	return nil, errors.New("no RBAC manifests found")
}

// ManifestFiles lists *.yaml, *.yml and *.json files of dir (non-recursive), sorted; none if dir is absent.
func ManifestFiles(dir string) []string {
	var out []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".json")) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	return out
}

func readObjects(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var obj map[string]interface{}
		if err := dec.Decode(&obj); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(obj) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		if u.GetKind() == "List" {
			items, _, _ := unstructured.NestedSlice(obj, "items")
			for _, it := range items {
				if m, ok := it.(map[string]interface{}); ok {
					out = append(out, &unstructured.Unstructured{Object: m})
				}
			}
			continue
		}
		out = append(out, u)
	}
}

func bindingIdentity(objs []*unstructured.Unstructured) (Identity, error) {
	ids := map[string]Identity{}
	for _, o := range objs {
		if o.GetKind() != "ClusterRoleBinding" && o.GetKind() != "RoleBinding" {
			continue
		}
		subjects, _, _ := unstructured.NestedSlice(o.Object, "subjects")
		for _, s := range subjects {
			sm, ok := s.(map[string]interface{})
			if !ok {
				continue
			}
			kind, _ := sm["kind"].(string)
			name, _ := sm["name"].(string)
			ns, _ := sm["namespace"].(string)
			if ns == "" {
				ns = o.GetNamespace()
			}
			switch kind {
			case "ServiceAccount":
				user := fmt.Sprintf("system:serviceaccount:%s:%s", ns, name)
				ids[user] = Identity{User: user, Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}}
			case "User":
				ids[name] = Identity{User: name, Groups: []string{"system:authenticated"}}
			}
		}
	}
	if len(ids) > 1 { // several subjects (e.g. a scheduler's too): take the one named for allot
		for n := range ids {
			if !strings.Contains(n, "allot") {
				delete(ids, n)
			}
		}
	}
	if len(ids) != 1 {
		var names []string
		for n := range ids {
			names = append(names, n)
		}
		return Identity{}, fmt.Errorf("want exactly one ServiceAccount/User subject in the bindings, found %v", names)
	}
	for _, id := range ids {
		return id, nil
	}
	return Identity{}, nil
}

// Apply creates every object (an existing one is left as it is), and the namespaces of namespaced objects
// when the manifests do not create them.
func (m *RBACManifests) Apply(ctx context.Context, dyn dynamic.Interface) error {
	nsGVR := rbacKinds["Namespace"].gvr
	for _, o := range m.Objects {
		k := rbacKinds[o.GetKind()]
		var ri dynamic.ResourceInterface = dyn.Resource(k.gvr)
		if k.namespaced {
			ns := o.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			nsObj := &unstructured.Unstructured{Object: map[string]interface{}{
				"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]interface{}{"name": ns},
			}}
			if _, err := dyn.Resource(nsGVR).Create(ctx, nsObj, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
				return fmt.Errorf("create namespace %s: %w", ns, err)
			}
			ri = dyn.Resource(k.gvr).Namespace(ns)
		}
		if _, err := ri.Create(ctx, o, metav1.CreateOptions{}); err != nil && !strings.Contains(err.Error(), "already exists") {
			return fmt.Errorf("apply %s %s/%s: %w", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
	return nil
}

// ClusterRules returns the rules of every ClusterRole in the manifests that a ClusterRoleBinding grants to
// the manifests' identity: what allot may do cluster-wide. (Namespaced Roles are left out.)
func (m *RBACManifests) ClusterRules() ([]rbacv1.PolicyRule, error) {
	granted := map[string]bool{}
	for _, o := range m.Objects {
		if o.GetKind() != "ClusterRoleBinding" {
			continue
		}
		var b rbacv1.ClusterRoleBinding
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &b); err != nil {
			return nil, fmt.Errorf("ClusterRoleBinding %s: %w", o.GetName(), err)
		}
		for _, s := range b.Subjects {
			user := s.Name
			if s.Kind == "ServiceAccount" {
				user = fmt.Sprintf("system:serviceaccount:%s:%s", s.Namespace, s.Name)
			}
			if user == m.Identity.User && b.RoleRef.Kind == "ClusterRole" {
				granted[b.RoleRef.Name] = true
			}
		}
	}
	var rules []rbacv1.PolicyRule
	for _, o := range m.Objects {
		if o.GetKind() != "ClusterRole" || !granted[o.GetName()] {
			continue
		}
		var r rbacv1.ClusterRole
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &r); err != nil {
			return nil, fmt.Errorf("ClusterRole %s: %w", o.GetName(), err)
		}
		rules = append(rules, r.Rules...)
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("%s: no ClusterRole rules bound to %s", m.Source, m.Identity.User)
	}
	return rules, nil
}

// WithoutResource returns rules with every verb on resource (e.g. "resourceclaims/binding") in apiGroup
// removed, and whether any rule granted it. Rules that name the resource for several groups keep it for
// the other groups; a rule left without resources is dropped.
func WithoutResource(rules []rbacv1.PolicyRule, apiGroup, resource string) ([]rbacv1.PolicyRule, bool) {
	var out []rbacv1.PolicyRule
	found := false
	for _, r := range rules {
		if !slices.Contains(r.APIGroups, apiGroup) || !slices.Contains(r.Resources, resource) || len(r.NonResourceURLs) > 0 {
			out = append(out, *r.DeepCopy())
			continue
		}
		found = true
		if others := slices.DeleteFunc(slices.Clone(r.APIGroups), func(g string) bool { return g == apiGroup }); len(others) > 0 {
			keep := *r.DeepCopy()
			keep.APIGroups = others
			out = append(out, keep)
		}
		rest := *r.DeepCopy()
		rest.APIGroups = []string{apiGroup}
		rest.Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(x string) bool { return x == resource })
		if len(rest.Resources) > 0 {
			out = append(out, rest)
		}
	}
	return out, found
}
