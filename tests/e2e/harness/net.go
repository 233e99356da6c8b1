package harness

// Loopback helpers: free ports and readiness polling. Everything listens on 127.0.0.1 only.

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// insecureClient talks to the self-signed loopback endpoints of the components.
var insecureClient = &http.Client{
	Timeout:   5 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // loopback test cluster
}

// httpStatus does one GET and returns the status code and (truncated) body.
func httpStatus(ctx context.Context, url, bearer string) (int, string, error) {
	return httpGetAuth(ctx, url, bearer, 4096)
}

// httpGet does one unauthenticated GET and returns the status code and at most limit bytes of the body.
func httpGet(ctx context.Context, url string, limit int64) (int, string, error) {
	return httpGetAuth(ctx, url, "", limit)
}

func httpGetAuth(ctx context.Context, url, bearer string, limit int64) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := insecureClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	return resp.StatusCode, string(body), nil
}

// WaitHTTP polls url until it answers 200, the process dies, or timeout passes.
func WaitHTTP(p *Process, url, bearer string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s: %w (%v) while waiting for %s; log tail:\n%s", p.Name, errExited, err, url, p.Tail(3000))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		code, body, err := httpStatus(ctx, url, bearer)
		cancel()
		if err == nil && code == http.StatusOK {
			return nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("HTTP %d: %s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready at %s after %v (last: %s); log tail:\n%s", p.Name, url, timeout, last, p.Tail(3000))
}

// WaitTCP polls addr until a TCP connection succeeds, the process dies, or timeout passes.
func WaitTCP(p *Process, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s: %w (%v) while waiting for %s; log tail:\n%s", p.Name, errExited, err, addr, p.Tail(3000))
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s: nothing listens on %s after %v; log tail:\n%s", p.Name, addr, timeout, p.Tail(3000))
}
