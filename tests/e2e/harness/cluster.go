// Package harness brings up a real Kubernetes control plane on 127.0.0.1 for allot's end-to-end tests:
// embedded etcd, kube-apiserver, kube-controller-manager (resource claim, garbage collector, namespace and
// ResourcePoolStatusRequest controllers) and two kube-scheduler processes, all from the multi-call binary built from
// tests/e2e/cmd/cluster, each its own OS process on free ports with its files in one per-run temp dir.
//
//   - The "allot" scheduler runs a profile named `allot` with the in-tree DynamicResources plugin disabled
//     and allot as its extender (filter, prioritize, bind; nodeCacheCapable; percentageOfNodesToScore 100).
//   - The "stock" scheduler runs the default profile `default-scheduler` with the in-tree DRA plugin, for
//     baseline and differential runs. Extenders are global to a scheduler process, so the stock profile
//     lives in its own process to stay free of allot.
//   - On demand (StartAllotNodesScheduler), a third process with profile `allot-nodes` calls the same allot
//     with nodeCacheCapable: false (full Node objects in, `Nodes` out), so one run can compare both modes.
//     Options.NoNodeCache switches the `allot` profile itself to that mode (E2E_NODE_CACHE_CAPABLE=false).
//
// KEP-5677's ResourcePoolStatusRequest (resource.k8s.io/v1alpha3, alpha) is on in kube-apiserver and
// kube-controller-manager (PoolStatusGates, v1alpha3 served, its controller run), so journeys can compare
// allot's inventory with the real answer; the schedulers and allot keep Options.FeatureGates alone.
//
// There is no kubelet: tests create Node objects (Ready, allocatable) and act as the kubelet themselves
// (pod status.phase). Thread-safety: a Cluster is driven by one goroutine (TestMain and the sequential
// tests); its clients are safe for concurrent use.
package harness

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Scheduler names of the two profiles.
const (
	AllotScheduler = "allot"
	StockScheduler = "default-scheduler"
	// AllotNodesScheduler is the profile of the scheduler StartAllotNodesScheduler starts: allot as extender
	// with nodeCacheCapable: false.
	AllotNodesScheduler = "allot-nodes"
)

// Options configure a Cluster.
type Options struct {
	ClusterBin   string     // the multi-call binary from tests/e2e/cmd/cluster (required)
	AllotBin     string     // the allot executable; "" = no allot
	AllotURLPath string     // path prefix of allot's extender verbs, e.g. "" or "/allot"
	FeatureGates string     // --feature-gates for every component (after PoolStatusGates for kube-apiserver and kube-controller-manager); "" = the release defaults
	RBACFileSets [][]string // candidate manifest sets with allot's RBAC; the first holding any is used (rbac.go)
	ExtraUsers   []string   // more users for the token file (group system:authenticated only; tests grant RBAC)
	KeepDir      bool       // keep the run dir (logs, configs) after Stop
	NoNodeCache  bool       // the `allot` profile's extender gets nodeCacheCapable: false (default true)
	Logf         func(format string, args ...any)
}

// Cluster is one running control plane.
type Cluster struct {
	Opts Options
	Dir  string // per-run temp dir: logs, pids, kubeconfigs, configs, etcd data

	APIServerURL string
	AdminToken   string
	AllotToken   string
	UserTokens   map[string]string // Options.ExtraUsers -> bearer token
	RBAC         *RBACManifests

	AdminConfig     *rest.Config
	Client          kubernetes.Interface // admin
	Dynamic         dynamic.Interface    // admin
	AllotConfigPath string               // kubeconfig with allot's identity
	AdminConfigPath string

	AllotPort int
	AllotURL  string // http://127.0.0.1:<port><path>

	etcdClientURL string

	etcd, apiserver, kcm, schedAllot, schedStock, allot *Process
	schedAllotNodes                                     *Process // started by StartAllotNodesScheduler; nil before

	// allotKubeconfig is the kubeconfig the current allot process was started with.
	allotKubeconfig string
}

func (c *Cluster) logf(format string, args ...any) {
	if c.Opts.Logf != nil {
		c.Opts.Logf(format, args...)
	}
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Start brings up etcd, kube-apiserver, RBAC, kube-controller-manager and both schedulers. It does not
// start allot (StartAllot does). On error everything already started is stopped.
func Start(opts Options) (c *Cluster, err error) {
	if opts.ClusterBin == "" {
		return nil, fmt.Errorf("harness: ClusterBin is required")
	}
	dir, err := os.MkdirTemp("", "allot-e2e-")
	if err != nil {
		return nil, err
	}
	c = &Cluster{Opts: opts, Dir: dir, AdminToken: randomToken(), AllotToken: randomToken(), UserTokens: map[string]string{}}
	for _, u := range opts.ExtraUsers {
		c.UserTokens[u] = randomToken()
	}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if c.RBAC, err = LoadRBAC(opts.RBACFileSets...); err != nil {
		return c, err
	}
	t0 := time.Now()
	if err = c.startEtcd(); err != nil {
		return c, err
	}
	c.logf("etcd ready after %v", time.Since(t0).Round(time.Millisecond))
	if err = c.raiseEtcdRevision(etcdRevisionFloor); err != nil {
		return c, err
	}
	if err = c.startAPIServer(); err != nil {
		return c, err
	}
	c.logf("kube-apiserver ready after %v", time.Since(t0).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err = c.RBAC.Apply(ctx, c.Dynamic); err != nil {
		return c, err
	}
	c.logf("RBAC for %s applied from %s", c.RBAC.Identity.User, c.RBAC.Source)
	if err = c.startControllerManager(); err != nil {
		return c, err
	}
	if c.AllotPort, err = FreePort(); err != nil {
		return c, err
	}
	c.AllotURL = fmt.Sprintf("http://127.0.0.1:%d%s", c.AllotPort, strings.TrimRight(opts.AllotURLPath, "/"))
	if err = c.startSchedulers(); err != nil {
		return c, err
	}
	c.logf("control plane up after %v in %s", time.Since(t0).Round(time.Millisecond), dir)
	return c, nil
}

func (c *Cluster) startEtcd() error {
	cport, err := FreePort()
	if err != nil {
		return err
	}
	pport, err := FreePort()
	if err != nil {
		return err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", cport)
	c.etcdClientURL = url
	c.etcd, err = StartProcess(c.Dir, "etcd", c.Opts.ClusterBin, "etcd",
		"--data-dir", filepath.Join(c.Dir, "etcd-data"),
		"--client-url", url,
		"--peer-url", fmt.Sprintf("http://127.0.0.1:%d", pport))
	if err != nil {
		return err
	}
	return WaitHTTP(c.etcd, url+"/health", "", 60*time.Second)
}

// etcdRevisionFloor is the etcd revision reached before kube-apiserver starts. The API server's watch
// caches start at the revision etcd has when they first list, so in a brand-new etcd every
// resourceVersion from 1 on is inside their window and a watch from "1" replays all history. With the
// floor, revisions below it are "too old" for every watch cache, as in any cluster with a past; the
// watch-expiry journey asks for resourceVersion 1 to get a real 410 from the API server.
const etcdRevisionFloor = 20

// raiseEtcdRevision writes one key outside the API server's /registry prefix until etcd's revision is at
// least floor, through etcd's JSON gateway (/v3/kv/put).
func (c *Cluster) raiseEtcdRevision(floor int64) error {
	body := fmt.Sprintf(`{"key":%q,"value":%q}`,
		base64.StdEncoding.EncodeToString([]byte("/allot-e2e/revision-floor")), base64.StdEncoding.EncodeToString([]byte("x")))
	for i := 0; ; i++ {
		resp, err := insecureClient.Post(c.etcdClientURL+"/v3/kv/put", "application/json", strings.NewReader(body))
		if err != nil {
			return fmt.Errorf("etcd put: %w", err)
		}
		var out struct {
			Header struct {
				Revision string `json:"revision"`
			} `json:"header"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			return fmt.Errorf("etcd put: HTTP %d: %v", resp.StatusCode, err)
		}
		rev, err := strconv.ParseInt(out.Header.Revision, 10, 64)
		if err != nil {
			return fmt.Errorf("etcd put: revision %q: %w", out.Header.Revision, err)
		}
		if rev >= floor {
			return nil
		}
		if i > int(floor) {
			return fmt.Errorf("etcd revision stays at %d after %d puts", rev, i+1)
		}
	}
}

func (c *Cluster) writeFile(name string, data []byte) (string, error) {
	p := filepath.Join(c.Dir, name)
	return p, os.WriteFile(p, data, 0o600)
}

func (c *Cluster) startAPIServer() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	keyPath, err := c.writeFile("sa.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	if err != nil {
		return err
	}
	id := c.RBAC.Identity
	tokens := fmt.Sprintf("%s,e2e-admin,e2e-admin-uid,\"system:masters,system:authenticated\"\n%s,%s,%s-uid,\"%s\"\n",
		c.AdminToken, c.AllotToken, id.User, strings.ReplaceAll(id.User, ":", "-"), strings.Join(id.Groups, ","))
	for _, u := range c.Opts.ExtraUsers {
		tokens += fmt.Sprintf("%s,%s,%s-uid,\"system:authenticated\"\n", c.UserTokens[u], u, u)
	}
	tokenPath, err := c.writeFile("tokens.csv", []byte(tokens))
	if err != nil {
		return err
	}
	port, err := FreePort()
	if err != nil {
		return err
	}
	args := []string{"kube-apiserver",
		"--etcd-servers=" + c.etcdClientURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + filepath.Join(c.Dir, "apiserver-certs"),
		"--token-auth-file=" + tokenPath,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + keyPath,
		"--service-account-signing-key-file=" + keyPath,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--disable-admission-plugins=ServiceAccount,TaintNodesByCondition",
		"--endpoint-reconciler-type=none",
		"--profiling=false",
		"--runtime-config=" + PoolStatusRuntimeConfig,
		"--v=1",
	}
	args = append(args, c.poolStatusGateFlags()...)
	c.apiserver, err = StartProcess(c.Dir, "kube-apiserver", c.Opts.ClusterBin, args...)
	if err != nil {
		return err
	}
	c.APIServerURL = fmt.Sprintf("https://127.0.0.1:%d", port)
	if err := WaitHTTP(c.apiserver, c.APIServerURL+"/readyz", c.AdminToken, 3*time.Minute); err != nil {
		return err
	}
	if c.AdminConfigPath, err = c.WriteKubeconfig("admin.kubeconfig", c.APIServerURL, c.AdminToken); err != nil {
		return err
	}
	if c.AllotConfigPath, err = c.WriteKubeconfig("allot.kubeconfig", c.APIServerURL, c.AllotToken); err != nil {
		return err
	}
	if c.AdminConfig, err = clientcmd.BuildConfigFromFlags("", c.AdminConfigPath); err != nil {
		return err
	}
	c.AdminConfig.QPS, c.AdminConfig.Burst = 200, 400
	if c.Client, err = kubernetes.NewForConfig(c.AdminConfig); err != nil {
		return err
	}
	c.Dynamic, err = dynamic.NewForConfig(c.AdminConfig)
	return err
}

// PoolStatusGates are the feature gates kube-apiserver and kube-controller-manager get on top of
// Options.FeatureGates (which come after them, so an explicit setting there wins): the
// ResourcePoolStatusRequest API and controller (KEP-5677, alpha in 1.37) and its partition summary input
// (ResourceSlice spec.partitionTypeAttribute, the request's spec.defaultPartitionTypeAttribute).
const PoolStatusGates = "DRAResourcePoolStatus=true,DRAPartitionableDevicesType=true"

// PoolStatusRuntimeConfig serves resource.k8s.io/v1alpha3 (ResourcePoolStatusRequest) from kube-apiserver.
const PoolStatusRuntimeConfig = "resource.k8s.io/v1alpha3=true"

// PoolStatusController is kube-controller-manager's name of the ResourcePoolStatusRequest controller
// (cmd/kube-controller-manager/names in 1.37.2; it runs only with DRAResourcePoolStatus on).
const PoolStatusController = "resourcepoolstatusrequest-controller"

// poolStatusGateFlags is --feature-gates for kube-apiserver and kube-controller-manager.
func (c *Cluster) poolStatusGateFlags() []string {
	gates := PoolStatusGates
	if c.Opts.FeatureGates != "" {
		gates += "," + c.Opts.FeatureGates
	}
	return []string{"--feature-gates=" + gates}
}

func (c *Cluster) gateFlags() []string {
	if c.Opts.FeatureGates == "" {
		return nil
	}
	return []string{"--feature-gates=" + c.Opts.FeatureGates}
}

// WriteKubeconfig writes <run dir>/name: a kubeconfig for server (https with insecure-skip-tls-verify, or
// plain http) with a bearer token, and returns its path.
func (c *Cluster) WriteKubeconfig(name, server, token string) (string, error) {
	tls := "\n    insecure-skip-tls-verify: true"
	if strings.HasPrefix(server, "http://") {
		tls = ""
	}
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s%s
users:
- name: e2e
  user:
    token: %s
contexts:
- name: e2e
  context:
    cluster: e2e
    user: e2e
current-context: e2e
`, server, tls, token)
	return c.writeFile(name, []byte(kc))
}

func (c *Cluster) startControllerManager() error {
	args := []string{"kube-controller-manager",
		"--kubeconfig=" + c.AdminConfigPath,
		"--leader-elect=false",
		"--use-service-account-credentials=false",
		"--controllers=resourceclaim-controller,garbage-collector-controller,namespace-controller,job-controller," + PoolStatusController,
		"--secure-port=0",
		"--v=1",
	}
	args = append(args, c.poolStatusGateFlags()...)
	var err error
	c.kcm, err = StartProcess(c.Dir, "kube-controller-manager", c.Opts.ClusterBin, args...)
	if err != nil {
		return err
	}
	// No serving port: readiness is "still running after a short while"; the tests wait on its effects.
	time.Sleep(500 * time.Millisecond)
	if exited, werr := c.kcm.Exited(); exited {
		return fmt.Errorf("kube-controller-manager exited: %v; log tail:\n%s", werr, c.kcm.Tail(3000))
	}
	return nil
}

// SchedulerConfig returns the KubeSchedulerConfiguration of the allot scheduler (allot = true: profile
// `allot` without DynamicResources, allot as the only non-ignorable, binding extender, nodeCacheCapable
// unless Options.NoNodeCache) or of the stock one (profile `default-scheduler`, no extender).
func (c *Cluster) SchedulerConfig(allot bool) map[string]any {
	if !allot {
		cfg := c.baseSchedulerConfig()
		profile := map[string]any{"schedulerName": StockScheduler}
		if c.BindingConditionsEnabled() {
			profile["pluginConfig"] = []any{map[string]any{
				"name": "DynamicResources",
				"args": map[string]any{
					"apiVersion":     "kubescheduler.config.k8s.io/v1",
					"kind":           "DynamicResourcesArgs",
					"bindingTimeout": BindingTimeout.String(),
				},
			}}
		}
		cfg["profiles"] = []any{profile}
		return cfg
	}
	return c.ExtenderSchedulerConfig(AllotScheduler, !c.Opts.NoNodeCache)
}

// ExtenderSchedulerConfig is a configuration with one profile named profile, DynamicResources disabled,
// and allot as its extender (filter, prioritize, bind) with the given nodeCacheCapable: true sends node
// names and expects `NodeNames` back, false sends the full Node objects and expects `Nodes` back.
func (c *Cluster) ExtenderSchedulerConfig(profile string, nodeCacheCapable bool) map[string]any {
	cfg := c.baseSchedulerConfig()
	cfg["profiles"] = []any{map[string]any{
		"schedulerName": profile,
		"plugins": map[string]any{"multiPoint": map[string]any{
			"disabled": []any{map[string]any{"name": "DynamicResources"}},
		}},
	}}
	cfg["extenders"] = []any{map[string]any{
		"urlPrefix":        c.AllotURL,
		"filterVerb":       "filter",
		"prioritizeVerb":   "prioritize",
		"bindVerb":         "bind",
		"weight":           1,
		"nodeCacheCapable": nodeCacheCapable,
		"httpTimeout":      "10s",
		"ignorable":        false,
	}}
	return cfg
}

func (c *Cluster) baseSchedulerConfig() map[string]any {
	return map[string]any{
		"apiVersion":               "kubescheduler.config.k8s.io/v1",
		"kind":                     "KubeSchedulerConfiguration",
		"clientConnection":         map[string]any{"kubeconfig": c.AdminConfigPath},
		"leaderElection":           map[string]any{"leaderElect": false},
		"percentageOfNodesToScore": 100,
	}
}

// StartScheduler starts one more kube-scheduler, process and log name `name`, with the configuration cfg
// (e.g. SchedulerConfig(true) with another schedulerName and extender stanza), and waits for its /healthz.
// The caller stops it.
func (c *Cluster) StartScheduler(name string, cfg map[string]any) (*Process, error) {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	cfgPath, err := c.writeFile(name+".json", data)
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	args := []string{"kube-scheduler",
		"--config=" + cfgPath,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", port),
		"--authentication-kubeconfig=" + c.AdminConfigPath,
		"--authorization-kubeconfig=" + c.AdminConfigPath,
		"--v=2",
	}
	args = append(args, c.gateFlags()...)
	p, err := StartProcess(c.Dir, name, c.Opts.ClusterBin, args...)
	if err != nil {
		return nil, err
	}
	return p, WaitHTTP(p, fmt.Sprintf("https://127.0.0.1:%d/healthz", port), "", 2*time.Minute)
}

// StartAllotNodesScheduler makes sure the third scheduler runs: profile AllotNodesScheduler, allot (the
// same process and URL as the `allot` profile) as extender with nodeCacheCapable: false. Started on first
// use, so runs without the journeys that need it do not pay for it; it logs to
// kube-scheduler-allot-nodes.log and is stopped with the cluster.
func (c *Cluster) StartAllotNodesScheduler() error {
	if c.schedAllotNodes != nil {
		exited, err := c.schedAllotNodes.Exited()
		if !exited {
			return nil
		}
		return fmt.Errorf("kube-scheduler-allot-nodes exited (%v); log tail:\n%s", err, c.schedAllotNodes.Tail(3000))
	}
	p, err := c.StartScheduler("kube-scheduler-allot-nodes", c.ExtenderSchedulerConfig(AllotNodesScheduler, false))
	c.schedAllotNodes = p
	return err
}

func (c *Cluster) startSchedulers() error {
	var err error
	if c.schedStock, err = c.StartScheduler("kube-scheduler-stock", c.SchedulerConfig(false)); err != nil {
		return err
	}
	c.schedAllot, err = c.StartScheduler("kube-scheduler-allot", c.SchedulerConfig(true))
	return err
}

// BindingTimeout is how long both schedulers wait for the binding conditions of a device (the stock
// scheduler's DynamicResourcesArgs.bindingTimeout, allot's --binding-timeout): short, so that the binding-
// conditions journey sees a timeout; only devices with binding conditions are affected.
const BindingTimeout = 15 * time.Second

// BindingConditionsEnabled: the gates DRADeviceBindingConditions and DRAResourceClaimDeviceStatus are on
// (the 1.37 defaults). The scheduler rejects a bindingTimeout when they are off.
func (c *Cluster) BindingConditionsEnabled() bool {
	gates := strings.ReplaceAll(c.Opts.FeatureGates, " ", "")
	return !strings.Contains(gates, "DRADeviceBindingConditions=false") &&
		!strings.Contains(gates, "DRAResourceClaimDeviceStatus=false")
}

// AllotArgs is the command line allot is started with when it uses kubeconfig.
func (c *Cluster) AllotArgs(kubeconfig string) []string {
	args := []string{"serve", "--kubeconfig=" + kubeconfig, fmt.Sprintf("--listen=127.0.0.1:%d", c.AllotPort),
		fmt.Sprintf("--binding-timeout=%d", int(BindingTimeout.Seconds()))}
	return append(args, c.gateFlags()...)
}

// StartAllot makes sure the standard allot runs: `allot serve` with allot's own kubeconfig (the identity
// deploy/ grants) on AllotPort, logging to allot.log. An allot started by StartAllotAs with another
// kubeconfig is stopped first. Returns once allot accepts connections and, if it serves /readyz, answers
// 200 there.
func (c *Cluster) StartAllot() error { return c.StartAllotAs("allot", c.AllotConfigPath) }

// StartAllotAs runs allot with kubeconfig on AllotPort (the URL the allot scheduler calls), under the
// process and log name `name` (<run dir>/<name>.log). A running allot with the same kubeconfig is kept;
// one with a different kubeconfig is stopped (SIGTERM) first. Tests that need a differently connected
// allot (another identity, a proxy) use this; the next StartAllot restores the standard one.
func (c *Cluster) StartAllotAs(name, kubeconfig string) error {
	if c.Opts.AllotBin == "" {
		return fmt.Errorf("no allot binary")
	}
	if c.allot != nil {
		if exited, _ := c.allot.Exited(); !exited {
			if c.allotKubeconfig == kubeconfig {
				return nil
			}
			c.allot.Stop(10 * time.Second)
		}
	}
	var err error
	c.allot, err = StartProcess(c.Dir, name, c.Opts.AllotBin, c.AllotArgs(kubeconfig)...)
	if err != nil {
		return err
	}
	c.allotKubeconfig = kubeconfig
	addr := fmt.Sprintf("127.0.0.1:%d", c.AllotPort)
	if err := WaitTCP(c.allot, addr, time.Minute); err != nil {
		return err
	}
	// Readiness: allot's /readyz (index synced) when it has one; a 404 means no such endpoint.
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		code, _, err := httpStatus(ctx, "http://"+addr+"/readyz", "")
		cancel()
		if err == nil && (code == 200 || code == 404) {
			return nil
		}
		if exited, werr := c.allot.Exited(); exited {
			return fmt.Errorf("allot exited: %v; log tail:\n%s", werr, c.allot.Tail(3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("allot /readyz not 200 after 1m; log tail:\n%s", c.allot.Tail(3000))
}

// StopAllot stops allot gracefully (SIGTERM; allot finishes in-flight requests before it exits).
func (c *Cluster) StopAllot() { c.allot.Stop(10 * time.Second) }

// KillAllot kills allot (SIGKILL), as a crash would.
func (c *Cluster) KillAllot() {
	if c.allot != nil {
		c.allot.Kill()
	}
}

// AllotLogPath is the log file of the current allot process ("" if none was started).
func (c *Cluster) AllotLogPath() string {
	if c.allot == nil {
		return ""
	}
	return c.allot.LogPath
}

// AllotMetrics fetches allot's GET /metrics (Prometheus text) from the current allot process.
func (c *Cluster) AllotMetrics(ctx context.Context) (string, error) {
	code, body, err := httpGet(ctx, c.AllotURL+"/metrics", 4<<20)
	if err != nil {
		return "", err
	}
	if code != 200 {
		return "", fmt.Errorf("GET %s/metrics: HTTP %d: %.200s", c.AllotURL, code, body)
	}
	return body, nil
}

// AllotLogTail returns the end of allot's log.
func (c *Cluster) AllotLogTail(n int64) string {
	if c.allot == nil {
		return ""
	}
	return c.allot.Tail(n)
}

// ControllerManagerLog returns kube-controller-manager's whole log ("" if it cannot be read).
func (c *Cluster) ControllerManagerLog() string {
	if c.kcm == nil {
		return ""
	}
	data, err := os.ReadFile(c.kcm.LogPath)
	if err != nil {
		return ""
	}
	return string(data)
}

// CheckAlive reports the first component that has exited.
func (c *Cluster) CheckAlive() error {
	for _, p := range []*Process{c.etcd, c.apiserver, c.kcm, c.schedStock, c.schedAllot, c.schedAllotNodes} {
		if p == nil {
			continue
		}
		if exited, err := p.Exited(); exited {
			return fmt.Errorf("%s exited (%v); log tail:\n%s", p.Name, err, p.Tail(3000))
		}
	}
	return nil
}

// Stop stops every component by its PID (reverse start order) and removes the run dir unless KeepDir.
func (c *Cluster) Stop() {
	if c == nil {
		return
	}
	for _, p := range []*Process{c.allot, c.schedAllotNodes, c.schedAllot, c.schedStock, c.kcm, c.apiserver, c.etcd} {
		p.Stop(10 * time.Second)
	}
	if c.Opts.KeepDir {
		c.logf("run dir kept: %s", c.Dir)
		return
	}
	_ = os.RemoveAll(c.Dir)
}
