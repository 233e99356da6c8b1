package harness

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeAPIServer answers lists with a fixed body and watches with one ADDED event and then an open stream;
// a watch from resourceVersion 1 gets the ERROR event kube-apiserver's watch cache sends for an expired
// version.
func fakeAPIServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "1" {
			fmt.Fprint(w, `{"kind":"ThingList","items":[]}`)
			return
		}
		rv := r.URL.Query().Get("resourceVersion")
		if rv == "1" {
			fmt.Fprintln(w, `{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 (20)","reason":"Expired","code":410}}`)
			return
		}
		fmt.Fprintf(w, `{"type":"ADDED","object":{"metadata":{"resourceVersion":%q}}}`+"\n", rv)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// watchLine opens a watch through the proxy and returns its first line (or the read error) on a channel,
// plus the body for further reads.
func watchLine(t *testing.T, p *APIProxy, rv string) (<-chan string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan string, 2)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/apis/x/v1/things?watch=1&resourceVersion="+rv, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		line, err := br.ReadString('\n')
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		out <- line
		_, err = io.Copy(io.Discard, br)
		out <- fmt.Sprintf("end: %v", err)
	}()
	return out, cancel
}

func recv(t *testing.T, ch <-chan string, what string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		return ""
	}
}

func TestAPIProxyExpireWatch(t *testing.T) {
	p, err := StartAPIProxy(fakeAPIServer(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	// Pass-through: a list and a watch.
	resp, err := http.Get(p.URL + "/apis/x/v1/things")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "ThingList") {
		t.Fatalf("list through the proxy: %q", body)
	}
	live, cancelLive := watchLine(t, p, "5")
	defer cancelLive()
	if l := recv(t, live, "the first event"); !strings.Contains(l, `"ADDED"`) {
		t.Fatalf("first watch line %q", l)
	}
	if n := p.OpenWatches("things"); n != 1 {
		t.Fatalf("open watches %d, want 1", n)
	}

	// Arm: the open stream is cut mid-stream.
	f, err := p.ExpireWatch("things", "1")
	if err != nil {
		t.Fatal(err)
	}
	if f.Cut() != 1 {
		t.Fatalf("cut %d streams, want 1", f.Cut())
	}
	if end := recv(t, live, "the cut"); !strings.HasPrefix(end, "end: ") || end == "end: <nil>" {
		t.Fatalf("cut stream ended with %q, want a transport error", end)
	}
	if _, err := p.ExpireWatch("things", "1"); err == nil {
		t.Fatal("a second fault on an armed resource was accepted")
	}

	// Held until Release, then sent as resourceVersion 1: the 410 comes back and is recorded.
	held, cancelHeld := watchLine(t, p, "5")
	defer cancelHeld()
	deadline := time.Now().Add(5 * time.Second)
	for f.Held() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f.Held() != 1 {
		t.Fatalf("held %d, want 1", f.Held())
	}
	select {
	case l := <-held:
		t.Fatalf("held watch answered before Release: %q", l)
	case <-time.After(200 * time.Millisecond):
	}
	f.Release()
	if l := recv(t, held, "the expired answer"); !strings.Contains(l, `"code":410`) {
		t.Fatalf("released watch got %q, want the 410 ERROR event", l)
	}
	a, err := f.WaitAnswer(`"code":410`, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if a.OriginalRV != "5" || a.SentRV != "1" || a.Status != 200 {
		t.Fatalf("answer %+v", a)
	}

	// The held version stays expired; a newer one (after a relist) passes unchanged.
	again, cancelAgain := watchLine(t, p, "4")
	defer cancelAgain()
	if l := recv(t, again, "the second expired answer"); !strings.Contains(l, `"code":410`) {
		t.Fatalf("watch from an older version got %q, want 410", l)
	}
	fresh, cancelFresh := watchLine(t, p, "9")
	defer cancelFresh()
	if l := recv(t, fresh, "a fresh watch"); !strings.Contains(l, `"resourceVersion":"9"`) {
		t.Fatalf("watch from a newer version got %q, want it passed through", l)
	}
	if f.Rewritten() != 2 {
		t.Fatalf("rewritten %d, want 2", f.Rewritten())
	}
	// A released fault can be replaced by a new one.
	if _, err := p.ExpireWatch("things", "1"); err != nil {
		t.Fatalf("re-arm after release: %v", err)
	}
}

func TestWatchResource(t *testing.T) {
	for url, want := range map[string]string{
		"/apis/resource.k8s.io/v1/resourceclaims?watch=1&resourceVersion=5": "resourceclaims",
		"/apis/resource.k8s.io/v1/namespaces/a/resourceclaims?watch=true":   "resourceclaims",
		"/api/v1/nodes?watch=1":                         "nodes",
		"/apis/resource.k8s.io/v1/resourceslices":       "",
		"/apis/resource.k8s.io/v1/resourceslices?watch": "",
	} {
		r := httptest.NewRequest(http.MethodGet, url, nil)
		if got := watchResource(r); got != want {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
}
