package journeys

// Journey: kube-scheduler calls allot over mutual TLS (issue 15, "TLS and authentication"). A second allot
// serves HTTPS with a serving certificate and --client-ca-file; a third kube-scheduler (profile allot-tls)
// calls it with enableHTTPS and a client certificate from that CA, as the chart will set it up. A GPU pod
// for that profile must be filtered, bound and allocated through it; callers without a client certificate
// get 403 from the verbs (and nothing was bound by them), a certificate from another CA gets no TLS session,
// and the probes stay open.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"allot/tests/e2e/harness"
)

const tlsSchedulerName = "allot-tls"

// testCA is a throw-away certificate authority for one journey.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, cn string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns PEM certificate and key for cn, for serving on 127.0.0.1 or as a client.
func (ca *testCA) issue(t *testing.T, cn string, server bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExtenderMutualTLS(t *testing.T) {
	skipIfNoAllot(t, Allot)
	t.Run(Allot, func(t *testing.T) {
		e := newEnv(t, Allot)
		dir := filepath.Join(cl.Dir, "tls-"+e.prefix)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		servingCA, clientCA, strangerCA := newTestCA(t, "allot-serving-ca"), newTestCA(t, "allot-client-ca"), newTestCA(t, "stranger-ca")
		serverCert, serverKey := servingCA.issue(t, "allot", true)
		schedCert, schedKey := clientCA.issue(t, "kube-scheduler", false)
		strangerCert, strangerKey := strangerCA.issue(t, "kube-scheduler", false)
		files := map[string]string{
			"serving-ca": writeFile(t, filepath.Join(dir, "serving-ca.crt"), servingCA.pem),
			"client-ca":  writeFile(t, filepath.Join(dir, "client-ca.crt"), clientCA.pem),
			"tls.crt":    writeFile(t, filepath.Join(dir, "tls.crt"), serverCert),
			"tls.key":    writeFile(t, filepath.Join(dir, "tls.key"), serverKey),
			"sched.crt":  writeFile(t, filepath.Join(dir, "sched.crt"), schedCert),
			"sched.key":  writeFile(t, filepath.Join(dir, "sched.key"), schedKey),
		}

		// allot over HTTPS with client certificates, on a port of its own (the standard allot keeps serving the
		// allot profile over plain HTTP).
		allotTLS, err := cl.StartExtraAllot("allot-tls", "127.0.0.1", "--tls-cert-file="+files["tls.crt"],
			"--tls-private-key-file="+files["tls.key"], "--client-ca-file="+files["client-ca"])
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { allotTLS.Process.Stop(10 * time.Second) })
		base := allotTLS.URL

		// The scheduler side, as the chart configures it.
		cfg := cl.SchedulerConfig(true)
		cfg["profiles"].([]any)[0].(map[string]any)["schedulerName"] = tlsSchedulerName
		ext := cfg["extenders"].([]any)[0].(map[string]any)
		path := strings.TrimPrefix(cl.AllotURL, fmt.Sprintf("http://127.0.0.1:%d", cl.AllotPort))
		ext["urlPrefix"] = base + path
		ext["enableHTTPS"] = true
		ext["tlsConfig"] = map[string]any{"caFile": files["serving-ca"], "certFile": files["sched.crt"], "keyFile": files["sched.key"]}
		sched, err := cl.StartScheduler("kube-scheduler-allot-tls", cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sched.Stop(10 * time.Second) })
		e.scheduler = tlsSchedulerName

		// Callers without the right certificate, before any pod exists: nothing they send may bind anything.
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(servingCA.pem)
		anonymous := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		stranger, err := tls.X509KeyPair(strangerCert, strangerKey)
		if err != nil {
			t.Fatal(err)
		}
		// Go's client would leave out a certificate that the server's list of acceptable CAs does not name (and
		// get the 403 above); send it anyway, so that allot's verification is what refuses it.
		strangerClient := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots, GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return &stranger, nil
			}}}}
		bindBody, _ := json.Marshal(map[string]any{"PodName": "p", "PodNamespace": e.ns, "PodUID": "00000000-0000-0000-0000-000000000001", "Node": "nowhere"})
		for _, verb := range []string{"filter", "prioritize", "bind"} {
			resp, err := anonymous.Post(base+path+"/"+verb, "application/json", bytes.NewReader(bindBody))
			if err != nil {
				t.Fatalf("POST %s without a client certificate: %v", verb, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "client certificate") {
				t.Fatalf("POST %s without a client certificate: HTTP %d %s, want 403 naming the client certificate", verb, resp.StatusCode, body)
			}
			if resp, err := strangerClient.Post(base+path+"/"+verb, "application/json", bytes.NewReader(bindBody)); err == nil {
				resp.Body.Close()
				t.Fatalf("POST %s with a certificate from another CA: HTTP %d, want a failed TLS handshake", verb, resp.StatusCode)
			}
		}
		for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
			resp, err := anonymous.Get(base + p)
			if err != nil {
				t.Fatalf("GET %s without a client certificate: %v", p, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s without a client certificate: HTTP %d, want 200 (probes stay open)", p, resp.StatusCode)
			}
		}

		// The real scheduler, over mTLS: a GPU pod is filtered, bound and its claim allocated by this allot.
		e.addClass(e.fixtureClass("deviceclasses-example.json", exampleClass))
		n1 := e.addNode("n1")
		e.addFixtureSlices("example-driver-8gpu.json", n1, deviceNamed("gpu-0"))
		e.gpuClaim("gpu")
		e.addPod("p", claimRef("gpu", "gpu"))
		if node := e.waitBound("p"); node != n1 {
			t.Fatalf("pod p bound to %q, want %q", node, n1)
		}
		e.checkAllocatedFor(e.getClaim("gpu"), e.getPod("p"), n1)

		// It was this allot that bound it, and it refused the three anonymous verb calls above.
		resp, err := anonymous.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		text, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		metrics, err := harness.ParseMetrics(string(text))
		if err != nil {
			t.Fatalf("allot-tls metrics: %v", err)
		}
		if v := metrics.Sum("allot_bind_total", map[string]string{"result": "bound"}); v < 1 {
			t.Fatalf("allot-tls allot_bind_total{result=\"bound\"} = %g, want >= 1", v)
		}
		if v := metrics.Sum("allot_http_requests_total", map[string]string{"route": "bind", "code": "4xx"}); v < 1 {
			t.Fatalf("allot-tls allot_http_requests_total{route=\"bind\",code=\"4xx\"} = %g, want >= 1 (the refused call)", v)
		}
	})
}
