package harness

// APIProxy: a plain-HTTP reverse proxy on 127.0.0.1 in front of kube-apiserver, for fault tests that need
// the real API server to expire a client's watch. By default it passes every request through unchanged
// (watch streams are flushed as they arrive). ExpireWatch arms one fault for one resource:
//
//  1. every watch stream of that resource open through the proxy is cut (the client sees the connection
//     drop mid-stream);
//  2. new watch requests for the resource are held (not forwarded) until Release, so cluster changes made
//     in between reach the client through no watch at all;
//  3. from Release on, the version the client held when it was cut stays expired: the first watch request
//     after Release, and every later one that resumes at or before that request's resourceVersion, is
//     forwarded with its resourceVersion replaced by an old one (e.g. "1") outside the API server's watch
//     window, so kube-apiserver itself answers "410 Gone / too old resource version" (status and first
//     bytes of each such answer are recorded). Only a client that relists, and so watches from a newer
//     version, gets through unchanged.
//
// Thread-safety: all methods may be called from any goroutine.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIProxy is one running proxy.
type APIProxy struct {
	URL string // http://127.0.0.1:<port>, for a kubeconfig's server

	srv *http.Server
	rp  *httputil.ReverseProxy

	mu      sync.Mutex
	streams map[string]map[*watchStream]struct{} // resource -> open watch streams
	faults  map[string]*WatchExpiry              // resource -> armed fault
}

type watchStream struct{ cancel context.CancelFunc }

// WatchAnswer is the API server's reply to a watch request whose resourceVersion the proxy replaced.
type WatchAnswer struct {
	OriginalRV string // what the client asked for
	SentRV     string // what the proxy sent instead
	Status     int    // HTTP status of the reply
	Head       string // the first bytes of the reply body (a watch ERROR event, for an expired version)
}

// WatchExpiry is one armed ExpireWatch fault.
type WatchExpiry struct {
	rv      string        // the expired resourceVersion sent instead
	release chan struct{} // closed by Release
	once    sync.Once

	mu      sync.Mutex
	cut     int    // streams cut when armed
	held    int    // watch requests that arrived while held
	first   bool   // the first watch after Release has been seen
	expired uint64 // resourceVersions up to this one are answered as expired (0: only the first request)
	answers []*answerRecorder
}

// StartAPIProxy listens on a free loopback port and forwards to target (kube-apiserver's https URL; its
// serving certificate is not verified, as for the other loopback clients of the harness).
func StartAPIProxy(target string) (*APIProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &APIProxy{
		URL:     "http://" + ln.Addr().String(),
		streams: map[string]map[*watchStream]struct{}{},
		faults:  map[string]*WatchExpiry{},
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = u.Host
		},
		Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback test cluster
			MaxIdleConnsPerHost: 32,
			IdleConnTimeout:     30 * time.Second,
		},
		FlushInterval:  -1, // watch events must reach the client at once
		ModifyResponse: p.recordAnswer,
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close stops listening and drops every connection.
func (p *APIProxy) Close() {
	p.mu.Lock()
	for _, f := range p.faults {
		f.Release()
	}
	p.mu.Unlock()
	_ = p.srv.Close()
}

// watchResource returns the resource a watch request is for ("" if r is not a watch): the last segment
// of a collection path such as /apis/resource.k8s.io/v1/resourceclaims or /api/v1/namespaces/x/pods.
func watchResource(r *http.Request) string {
	w := r.URL.Query().Get("watch")
	if w != "1" && w != "true" {
		return ""
	}
	path := strings.TrimRight(r.URL.Path, "/")
	return path[strings.LastIndexByte(path, '/')+1:]
}

type answerKey struct{}

func (p *APIProxy) serve(w http.ResponseWriter, r *http.Request) {
	resource := watchResource(r)
	if resource == "" {
		p.rp.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	fault := p.faults[resource]
	p.mu.Unlock()
	var rec *answerRecorder
	if fault != nil {
		if !fault.hold(r.Context()) {
			return // client gone
		}
		rec = fault.takeRewrite(r)
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	if rec != nil {
		ctx = context.WithValue(ctx, answerKey{}, rec)
	}
	s := &watchStream{cancel: cancel}
	p.mu.Lock()
	if p.streams[resource] == nil {
		p.streams[resource] = map[*watchStream]struct{}{}
	}
	p.streams[resource][s] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.streams[resource], s)
		p.mu.Unlock()
	}()
	// A cut cancels ctx: the upstream read fails and ReverseProxy aborts the client connection mid-stream
	// (panic(http.ErrAbortHandler), which net/http turns into a dropped connection).
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// recordAnswer captures status and first bytes of a rewritten watch's reply, passing the body through.
func (p *APIProxy) recordAnswer(resp *http.Response) error {
	rec, _ := resp.Request.Context().Value(answerKey{}).(*answerRecorder)
	if rec == nil {
		return nil
	}
	rec.mu.Lock()
	rec.answer.Status = resp.StatusCode
	rec.mu.Unlock()
	resp.Body = &teeHead{ReadCloser: resp.Body, rec: rec}
	return nil
}

type answerRecorder struct {
	mu     sync.Mutex
	answer WatchAnswer
	head   bytes.Buffer
}

const answerHeadBytes = 2048

type teeHead struct {
	io.ReadCloser
	rec *answerRecorder
}

func (t *teeHead) Read(b []byte) (int, error) {
	n, err := t.ReadCloser.Read(b)
	if n > 0 {
		t.rec.mu.Lock()
		if room := answerHeadBytes - t.rec.head.Len(); room > 0 {
			t.rec.head.Write(b[:min(n, room)])
		}
		t.rec.mu.Unlock()
	}
	return n, err
}

// OpenWatches is how many watch streams of resource are open through the proxy right now.
func (p *APIProxy) OpenWatches(resource string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.streams[resource])
}

// ExpireWatch arms the fault described in the file comment for resource (e.g. "resourceclaims"), with
// oldRV as the resourceVersion sent in place of the expired ones. A resource has one fault at a time; a
// new one replaces a released one.
func (p *APIProxy) ExpireWatch(resource, oldRV string) (*WatchExpiry, error) {
	f := &WatchExpiry{rv: oldRV, release: make(chan struct{})}
	p.mu.Lock()
	if old := p.faults[resource]; old != nil && !old.released() {
		p.mu.Unlock()
		return nil, fmt.Errorf("a watch fault for %s is armed and not released", resource)
	}
	p.faults[resource] = f
	var open []*watchStream
	for s := range p.streams[resource] {
		open = append(open, s)
	}
	p.mu.Unlock()
	for _, s := range open {
		s.cancel()
	}
	f.mu.Lock()
	f.cut = len(open)
	f.mu.Unlock()
	return f, nil
}

func (f *WatchExpiry) released() bool {
	select {
	case <-f.release:
		return true
	default:
		return false
	}
}

// hold blocks a watch request until Release; false if the client went away meanwhile.
func (f *WatchExpiry) hold(ctx context.Context) bool {
	select {
	case <-f.release:
		return true
	default:
	}
	f.mu.Lock()
	f.held++
	f.mu.Unlock()
	select {
	case <-f.release:
		return true
	case <-ctx.Done():
		return false
	}
}

// takeRewrite replaces the resourceVersion of the first watch after Release, and of later watches that
// resume at or before it, by the expired one; it returns the recorder of the answer (nil: not rewritten).
func (f *WatchExpiry) takeRewrite(r *http.Request) *answerRecorder {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	rv := q.Get("resourceVersion")
	n, numErr := strconv.ParseUint(rv, 10, 64)
	if !f.first {
		f.first = true
		if numErr == nil {
			f.expired = n
		}
	} else if numErr != nil || n > f.expired {
		return nil
	}
	rec := &answerRecorder{answer: WatchAnswer{OriginalRV: rv, SentRV: f.rv}}
	q.Set("resourceVersion", f.rv)
	r.URL.RawQuery = q.Encode()
	r.RequestURI = ""
	f.answers = append(f.answers, rec)
	return rec
}

// Release lets held and later watch requests through (with the rewrite of step 3).
func (f *WatchExpiry) Release() { f.once.Do(func() { close(f.release) }) }

// Cut is how many open watch streams were cut when the fault was armed.
func (f *WatchExpiry) Cut() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cut
}

// Held is how many watch requests have been held so far.
func (f *WatchExpiry) Held() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.held
}

// Rewritten is how many watch requests were sent with the expired resourceVersion.
func (f *WatchExpiry) Rewritten() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.answers)
}

// Answer returns the API server's reply to the first rewritten watch, once it has one.
func (f *WatchExpiry) Answer() (WatchAnswer, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.answers) == 0 {
		return WatchAnswer{}, false
	}
	rec := f.answers[0]
	rec.mu.Lock()
	defer rec.mu.Unlock()
	a := rec.answer
	a.Head = rec.head.String()
	return a, a.Status != 0
}

// WaitAnswer waits until the rewritten watch has been answered and the answer's body holds want (or the
// status is not 200, i.e. the error came as an HTTP status).
func (f *WatchExpiry) WaitAnswer(want string, timeout time.Duration) (WatchAnswer, error) {
	deadline := time.Now().Add(timeout)
	for {
		a, ok := f.Answer()
		if ok && (a.Status != http.StatusOK || strings.Contains(a.Head, want)) {
			return a, nil
		}
		if time.Now().After(deadline) {
			if !ok {
				return a, errors.New("no watch request was rewritten (the client did not come back?)")
			}
			return a, fmt.Errorf("reply to the rewritten watch does not contain %q: HTTP %d %q", want, a.Status, a.Head)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
