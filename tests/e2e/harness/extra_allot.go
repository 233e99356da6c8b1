package harness

// A second allot process listening on another address than the standard one (127.0.0.1:AllotPort, which the
// allot scheduler calls). The journey that reaches allot through kube-apiserver's service proxy needs one:
// the API server proxies only to endpoints whose address is a pod IP of a pod in the Service's namespace,
// and EndpointSlice validation refuses loopback addresses, so allot must listen on a non-loopback address
// of this machine (NonLoopbackIPv4). The extra allot watches the same cluster with allot's own identity;
// nothing schedules through it.
//
// Thread-safety: like Cluster, driven by one goroutine.

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// NonLoopbackIPv4 returns the first IPv4 address of an up interface that is global unicast (not loopback,
// link-local, multicast or unspecified), or an error saying there is none.
func NonLoopbackIPv4() (net.IP, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 || iface.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipnet, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if ip4 := ipnet.IP.To4(); ip4 != nil && ip4.IsGlobalUnicast() {
				return ip4, nil
			}
		}
	}
	return nil, fmt.Errorf("no up interface has a global unicast IPv4 address")
}

// ExtraAllot is an allot process started by StartExtraAllot.
type ExtraAllot struct {
	Process *Process
	Host    string
	Port    int
	URL     string // http://host:port
}

// StartExtraAllot runs `allot serve` with allot's own kubeconfig on host (a free port there) and extra flags,
// logging to <run dir>/<name>.log, and returns once its /readyz answers 200 (index synced). With
// --tls-cert-file among the flags the URL is https:// (readiness is checked without verifying the certificate).
// The caller stops it (Process.Stop) when done; Cluster.Stop does not know about it.
func (c *Cluster) StartExtraAllot(name, host string, extra ...string) (*ExtraAllot, error) {
	if c.Opts.AllotBin == "" {
		return nil, fmt.Errorf("no allot binary")
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("no free port on %s: %w", host, err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	args := append([]string{"serve", "--kubeconfig=" + c.AllotConfigPath, "--listen=" + addr}, c.gateFlags()...)
	args = append(args, extra...)
	scheme := "http://"
	for _, a := range extra {
		if strings.HasPrefix(a, "--tls-cert-file") {
			scheme = "https://"
		}
	}
	p, err := StartProcess(c.Dir, name, c.Opts.AllotBin, args...)
	if err != nil {
		return nil, err
	}
	x := &ExtraAllot{Process: p, Host: host, Port: port, URL: scheme + addr}
	if err := WaitHTTP(p, x.URL+"/readyz", "", time.Minute); err != nil {
		p.Stop(10 * time.Second)
		return nil, err
	}
	return x, nil
}
