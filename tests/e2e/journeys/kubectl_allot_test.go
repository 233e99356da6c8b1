package journeys

// `kubectl allot` (the allot binary as kubectl-allot, built next to it) against the real control plane and
// the allot the harness runs. allot listens on 127.0.0.1 outside the cluster, where the API server's
// service proxy cannot reach it (it refuses loopback endpoints), so allot is reached with --allot-url and
// the real kubeconfig serves the rest (credentials, the proxy path's errors). Allot variant only: the plugin
// asks allot. The service-proxy path to a real allot is TestKubectlAllotServiceProxy (kubectl_proxy_test.go).

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kubectlAllot runs the plugin and returns stdout, stderr and whether it exited 0.
func (e *env) kubectlAllot(args ...string) (string, string, bool) {
	e.t.Helper()
	bin := filepath.Join(filepath.Dir(os.Getenv("ALLOT_BIN")), "kubectl-allot")
	if _, err := os.Stat(bin); err != nil {
		e.t.Fatalf("%s missing (the allot build target creates it): %v", bin, err)
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(e.ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(os.Environ(), "KUBECONFIG=")
	err := cmd.Run()
	e.t.Logf("kubectl-allot %s\n%s%s", strings.Join(args, " "), out.String(), errOut.String())
	return out.String(), errOut.String(), err == nil
}

func TestKubectlAllot(t *testing.T) {
	skipIfNoAllot(t, Allot)
	e := newEnv(t, Allot)
	n1, n2 := e.twoExampleNodes()
	// Both GPUs taken, a third pod pending.
	e.gpuClaim("a-gpu")
	e.addPod("pod0", claimRef("gpu", "a-gpu"))
	e.waitBound("pod0")
	e.gpuClaim("b-gpu")
	e.addPod("pod1", claimRef("gpu", "b-gpu"))
	e.waitBound("pod1")
	e.gpuClaim("c-gpu")
	e.addPod("pod2", claimRef("gpu", "c-gpu"))
	e.waitUnschedulable("pod2")

	common := []string{"--kubeconfig", cl.AdminConfigPath, "--allot-url", cl.AllotURL}
	// explain: allot reads the pod from the real API server; both nodes' GPU is in use.
	out, _, ok := e.kubectlAllot(append([]string{"explain", "pod/pod2", "-n", e.ns, "--nodes", n1 + "," + n2, "-o", "json"}, common...)...)
	if !ok {
		t.Fatalf("explain failed")
	}
	var answer struct {
		Fits  []string `json:"fits"`
		Nodes []struct {
			Node    string `json:"node"`
			Reasons []struct {
				Claim, Code string
			} `json:"reasons"`
		} `json:"nodes"`
		Summary string `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &answer); err != nil {
		t.Fatalf("explain -o json: %v", err)
	}
	if len(answer.Fits) != 0 || len(answer.Nodes) != 2 || answer.Summary != "0/2 nodes fit; 2 DevicesInUse" {
		t.Fatalf("explain pod2 = %+v, want no node fitting and 2 DevicesInUse", answer)
	}
	for _, n := range answer.Nodes {
		if len(n.Reasons) != 1 || n.Reasons[0].Code != "DevicesInUse" || n.Reasons[0].Claim != e.ns+"/c-gpu" {
			t.Fatalf("node %s reasons %+v, want DevicesInUse for %s/c-gpu", n.Node, n.Reasons, e.ns)
		}
	}
	table, _, ok := e.kubectlAllot(append([]string{"explain", "pod/pod2", "-n", e.ns, "--nodes", n1 + "," + n2}, common...)...)
	if !ok || !strings.HasPrefix(table, "NODE ") || !strings.Contains(table, "\n0/2 nodes fit; 2 DevicesInUse\n") {
		t.Fatalf("explain table:\n%s", table)
	}

	// The same through kubectl itself, when it is installed: kubectl finds kubectl-allot on PATH.
	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		args := append([]string{"allot", "explain", "pod/pod2", "-n", e.ns, "--nodes", n1 + "," + n2}, common...)
		cmd := exec.CommandContext(e.ctx, kubectl, args...)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(os.Getenv("ALLOT_BIN"))+":"+os.Getenv("PATH"), "KUBECONFIG=")
		viaKubectl, err := cmd.Output()
		if err != nil || string(viaKubectl) != table {
			t.Fatalf("kubectl allot explain: %v\n%s\nwant the plugin's own output:\n%s", err, viaKubectl, table)
		}
	} else {
		t.Logf("kubectl not on PATH: `kubectl allot` itself not run (kubectl-allot was)")
	}

	// inventory of one node: its one GPU is allocated.
	out, _, ok = e.kubectlAllot(append([]string{"inventory", "--node", n1, "--driver", exampleClass, "-o", "json"}, common...)...)
	if !ok {
		t.Fatalf("inventory failed")
	}
	var inv struct {
		Pools []struct {
			Pool                           string
			TotalDevices, AllocatedDevices int
		} `json:"pools"`
	}
	if err := json.Unmarshal([]byte(out), &inv); err != nil || len(inv.Pools) != 1 || inv.Pools[0].AllocatedDevices != 1 {
		t.Fatalf("inventory --node %s = %s (%v), want one pool with one allocated device", n1, out, err)
	}

	// Without --allot-url the plugin goes through the API server's service proxy with the kubeconfig's
	// credentials; no Service allot exists in this cluster, and the API server's answer says so.
	_, errText, ok := e.kubectlAllot("inventory", "--kubeconfig", cl.AdminConfigPath)
	if ok || !strings.Contains(errText, `services \"allot\" not found`) && !strings.Contains(errText, `services "allot" not found`) ||
		!strings.Contains(errText, "from the API server") {
		t.Fatalf("inventory through the service proxy without a Service: ok=%v stderr=%q", ok, errText)
	}
}
