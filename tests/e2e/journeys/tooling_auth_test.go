package journeys

// Journey: the tooling API and /metrics behind the API server's own authentication and RBAC
// (`allot serve --tooling-auth=delegated`, issue 15). A user with no grants, the same user after a
// ClusterRole for one path, the cluster admin, and no token at all, against a real kube-apiserver's
// TokenReview and SubjectAccessReview. The user is in system:authenticated, whose default system:discovery
// role may get /api/*: allot reviews its paths under /allot/... so that grant does not open them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"allot/tests/e2e/harness"
)

// toolingReader is in the API server's token file with group system:authenticated only.
const toolingReader = "e2e-tooling-reader"

func TestToolingDelegatedAuth(t *testing.T) {
	skipIfNoAllot(t, Allot)
	t.Run(Allot, func(t *testing.T) {
		e := newEnv(t, Allot)
		// The reader may get the inventory and nothing else of allot's.
		name := e.prefix + "-inventory-reader"
		role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: []rbacv1.PolicyRule{
			{NonResourceURLs: []string{"/allot/api/v1/inventory"}, Verbs: []string{"get"}},
		}}
		if _, err := e.c.RbacV1().ClusterRoles().Create(e.ctx, role, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create ClusterRole: %v", err)
		}
		binding := &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: toolingReader}},
		}
		if _, err := e.c.RbacV1().ClusterRoleBindings().Create(e.ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create ClusterRoleBinding: %v", err)
		}
		t.Cleanup(func() {
			_ = e.c.RbacV1().ClusterRoleBindings().Delete(e.ctx, name, metav1.DeleteOptions{})
			_ = e.c.RbacV1().ClusterRoles().Delete(e.ctx, name, metav1.DeleteOptions{})
		})

		authed, err := cl.StartExtraAllot("allot-tooling-auth", "127.0.0.1", "--tooling-auth=delegated")
		if err != nil {
			t.Fatal(err) // readiness: the probes need no token
		}
		t.Cleanup(func() { authed.Process.Stop(10 * time.Second) })
		base := authed.URL

		call := func(method, path, token string) (int, string, http.Header) {
			t.Helper()
			var body io.Reader
			if method == http.MethodPost {
				body = bytes.NewReader([]byte(`{"podRef": {"namespace": "` + e.ns + `", "name": "nope"}}`))
			}
			req, err := http.NewRequestWithContext(e.ctx, method, base+path, body)
			if err != nil {
				t.Fatal(err)
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b), resp.Header
		}
		errorOf := func(body string) string {
			var m map[string]any
			if json.Unmarshal([]byte(body), &m) != nil {
				t.Fatalf("not a JSON error body: %q", body)
			}
			s, _ := m["error"].(string)
			return s
		}

		for _, path := range []string{"/healthz", "/openapi.json"} {
			if code, body, _ := call(http.MethodGet, path, ""); code != 200 {
				t.Fatalf("GET %s without a token: HTTP %d %.200s, want 200 (open)", path, code, body)
			}
		}
		code, body, header := call(http.MethodGet, "/api/v1/inventory", "")
		if code != 401 || header.Get("WWW-Authenticate") != "Bearer" || !strings.Contains(errorOf(body), "Bearer") {
			t.Fatalf("GET /api/v1/inventory without a token: HTTP %d %q %s, want 401 with WWW-Authenticate: Bearer", code, header.Get("WWW-Authenticate"), body)
		}
		if code, body, _ := call(http.MethodGet, "/api/v1/inventory", "not-a-token"); code != 401 {
			t.Fatalf("GET /api/v1/inventory with an unknown token: HTTP %d %s, want 401", code, body)
		}

		reader := cl.UserTokens[toolingReader]
		// RBAC reaches the API server's authorizer within a moment; wait for it there first, since allot caches a
		// denial for 10 s.
		e.eventually(30*time.Second, "the API server to authorize the reader's grant", func() (bool, string) {
			sar, err := e.c.AuthorizationV1().SubjectAccessReviews().Create(e.ctx, &authorizationv1.SubjectAccessReview{
				Spec: authorizationv1.SubjectAccessReviewSpec{User: toolingReader, Groups: []string{"system:authenticated"},
					NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: "/allot/api/v1/inventory", Verb: "get"}},
			}, metav1.CreateOptions{})
			if err != nil {
				return false, err.Error()
			}
			return sar.Status.Allowed, sar.Status.Reason
		})
		e.eventually(30*time.Second, "the reader's inventory grant to take effect", func() (bool, string) {
			code, body, _ := call(http.MethodGet, "/api/v1/inventory", reader)
			return code == 200 && strings.Contains(body, `"pools"`), fmt.Sprintf("HTTP %d %.200s", code, body)
		})
		// Under the URL prefix too (the same review path).
		if path := strings.TrimPrefix(cl.AllotURL, fmt.Sprintf("http://127.0.0.1:%d", cl.AllotPort)); path != "" {
			if code, body, _ := call(http.MethodGet, path+"/api/v1/inventory", reader); code != 200 {
				t.Fatalf("GET %s/api/v1/inventory as the reader: HTTP %d %.200s", path, code, body)
			}
		}
		// Not granted: 403 naming the review path, although system:discovery lets every user get /api/*.
		for _, c := range []struct{ method, path, review string }{
			{http.MethodGet, "/api/v1/nodes", "get /allot/api/v1/nodes"},
			{http.MethodPost, "/api/v1/explain", "post /allot/api/v1/explain"},
			{http.MethodGet, "/metrics", "get /metrics"},
		} {
			code, body, _ := call(c.method, c.path, reader)
			if code != 403 || !strings.Contains(errorOf(body), c.review) {
				t.Fatalf("%s %s as %s: HTTP %d %s, want 403 naming %q", c.method, c.path, toolingReader, code, body, c.review)
			}
		}
		// The cluster admin (system:masters) may do anything, /metrics included.
		code, body, _ = call(http.MethodGet, "/metrics", cl.AdminToken)
		if code != 200 {
			t.Fatalf("GET /metrics as the admin: HTTP %d %.200s", code, body)
		}
		metrics, err := harness.ParseMetrics(body)
		if err != nil {
			t.Fatal(err)
		}
		if v := metrics.Sum("allot_http_requests_total", map[string]string{"route": "nodes", "code": "4xx"}); v < 1 {
			t.Fatalf("allot_http_requests_total{route=\"nodes\",code=\"4xx\"} = %g after a refused call", v)
		}
		if code, body, _ := call(http.MethodPost, "/api/v1/explain", cl.AdminToken); code == 401 || code == 403 {
			t.Fatalf("POST /api/v1/explain as the admin: HTTP %d %s, want an explain answer", code, body)
		}
	})
}
