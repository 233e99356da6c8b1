package journeys

// allot's tooling API as the journeys call it: the answers of POST /api/v1/explain and /api/v1/simulate
// (docs/tooling.md) and the requests to the harness's allot (explain_test.go, kubectl_proxy_test.go).

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// explainAnswer is the body of POST /api/v1/explain (docs/tooling.md, "Explain").
type explainAnswer struct {
	Fits  []string `json:"fits"`
	Nodes []struct {
		Node    string `json:"node"`
		Fits    bool   `json:"fits"`
		Error   string `json:"error,omitempty"`
		Reasons []struct {
			Claim   string `json:"claim"`
			Request string `json:"request"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"reasons"`
	} `json:"nodes"`
	Summary string `json:"summary"`
}

// simulateAnswer is the body of POST /api/v1/simulate (docs/tooling.md, "Simulate"); firstFailure is kept
// raw so that it can be compared with an explain answer as a whole.
type simulateAnswer struct {
	Placed     int `json:"placed"`
	Replicas   int `json:"replicas"`
	Placements []struct {
		Pod         string `json:"pod"`
		Node        string `json:"node"`
		Allocations []struct {
			Claim   string `json:"claim"`
			Results []struct {
				Request, Driver, Pool, Device string
			} `json:"results"`
		} `json:"allocations"`
	} `json:"placements"`
	FirstFailure json.RawMessage `json:"firstFailure"`
	Error        string          `json:"error"`
}

// postAllot POSTs body as JSON to url and returns the answer's body; any status but 200 fails the test.
func (e *env) postAllot(url string, body any) []byte {
	e.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("POST %s: %v%s", url, err, e.diagnostics())
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("POST %s: HTTP %d %v: %.500s", url, resp.StatusCode, err, out)
	}
	return out
}

// explainPod asks the standard allot why pod does not fit on nodes (podRef: allot reads the pod itself).
func (e *env) explainPod(pod string, nodes ...string) (explainAnswer, []byte) {
	e.t.Helper()
	raw := e.postAllot(cl.AllotURL+"/api/v1/explain", map[string]any{
		"podRef": map[string]string{"namespace": e.ns, "name": pod}, "nodes": nodes,
	})
	var a explainAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		e.t.Fatalf("explain answer: %v: %s", err, raw)
	}
	return a, raw
}

// simulatePod asks the standard allot where one more copy of pod (as the API server has it) would go.
func (e *env) simulatePod(pod *corev1.Pod, nodes ...string) simulateAnswer {
	e.t.Helper()
	p := pod.DeepCopy()
	p.ManagedFields = nil
	raw := e.postAllot(cl.AllotURL+"/api/v1/simulate", map[string]any{"pod": p, "replicas": 1, "nodes": nodes})
	var a simulateAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		e.t.Fatalf("simulate answer: %v: %s", err, raw)
	}
	e.t.Logf("simulate %s: %s", pod.Name, raw)
	return a
}

// getAllot GETs url and returns the body; any status but 200 fails the test.
func (e *env) getAllot(url string) []byte {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: HTTP %d %v: %.500s", url, resp.StatusCode, err, body)
	}
	return body
}
