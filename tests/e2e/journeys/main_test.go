// Package journeys holds allot's end-to-end tests against a real control plane (see ../harness). One
// cluster is started for the whole package in TestMain; tests run sequentially, each in its own namespace
// with its own uniquely named Nodes and ResourceSlices, and clean up after themselves.
//
// Every journey has a "stock" variant (kube-scheduler with the in-tree DynamicResources plugin, the
// baseline that proves the harness and the expectations) and an "allot" variant (DynamicResources
// disabled, allot as extender). The allot variants skip, with the reason, only when `allot serve --help`
// fails; any other allot problem fails them.
//
// Environment (set by tests/e2e/run.sh):
//
//	E2E_CLUSTER_BIN     the multi-call control-plane binary (required)
//	ALLOT_BIN           the allot executable (optional; absent or not serving => allot variants skip)
//	ALLOT_REPO_ROOT     repository root (default: three levels up from this package)
//	E2E_FEATURE_GATES   --feature-gates for every component (default: the pinned release's defaults)
//	ALLOT_URL_PATH      path prefix of allot's extender verbs (default "")
//	E2E_KEEP            non-empty: keep the run dir with all logs
//	E2E_NODE_CACHE_CAPABLE  "false": the `allot` scheduler calls allot with nodeCacheCapable: false (every
//	                    journey then runs in that mode; TestNodeCacheCapableFalse compares both modes anyway)
//	E2E_REQUIRE_ALLOT   "1": allot must be usable; instead of skipping the allot variants the package fails
package journeys

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"allot/tests/e2e/harness"
)

var (
	cl          *harness.Cluster
	repoRoot    string
	allotReady  bool   // allot serve is running
	allotReason string // why the allot variants skip
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin := os.Getenv("E2E_CLUSTER_BIN")
	if bin == "" {
		fmt.Fprintln(os.Stderr, "E2E_CLUSTER_BIN is not set; run tests/e2e/run.sh")
		return 1
	}
	repoRoot = os.Getenv("ALLOT_REPO_ROOT")
	if repoRoot == "" {
		wd, _ := os.Getwd()
		repoRoot = filepath.Clean(filepath.Join(wd, "..", "..", ".."))
	}
	rbacFiles := harness.ManifestFiles(filepath.Join(repoRoot, "deploy", "k8s"))
	fallback := []string{filepath.Join(repoRoot, "tests", "e2e", "testdata", "rbac.yaml")}

	allotBin := os.Getenv("ALLOT_BIN")
	allotBin, allotReason = probeAllot(allotBin)
	if allotReason != "" && os.Getenv("E2E_REQUIRE_ALLOT") == "1" {
		fmt.Fprintf(os.Stderr, "e2e: E2E_REQUIRE_ALLOT=1 but allot is not usable: %s\n", allotReason)
		return 1
	}

	start := time.Now()
	var err error
	cl, err = harness.Start(harness.Options{
		ClusterBin:   bin,
		AllotBin:     allotBin,
		AllotURLPath: os.Getenv("ALLOT_URL_PATH"),
		FeatureGates: os.Getenv("E2E_FEATURE_GATES"),
		RBACFileSets: [][]string{rbacFiles, fallback},
		ExtraUsers:   append(append([]string(nil), rbacUsers...), kubectlProxyUser, toolingReader),
		KeepDir:      os.Getenv("E2E_KEEP") != "",
		NoNodeCache:  os.Getenv("E2E_NODE_CACHE_CAPABLE") == "false",
		Logf: func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: control plane failed to start: %v\n", err)
		if cl != nil {
			fmt.Fprintf(os.Stderr, "e2e: logs in %s\n", cl.Dir)
		}
		return 1
	}
	defer cl.Stop()
	fmt.Fprintf(os.Stderr, "e2e: control plane started in %v (logs: %s)\n", time.Since(start).Round(time.Millisecond), cl.Dir)

	if allotBin != "" {
		if err := cl.StartAllot(); err != nil {
			// allot exists and claims to serve but does not come up: the allot variants must fail, not skip.
			allotReason = ""
			fmt.Fprintf(os.Stderr, "e2e: allot serve failed to start: %v\n", err)
		} else {
			allotReady = true
			fmt.Fprintf(os.Stderr, "e2e: allot serving at %s\n", cl.AllotURL)
		}
	}
	if allotReason != "" {
		fmt.Fprintf(os.Stderr, "e2e: allot variants will be skipped: %s\n", allotReason)
	}
	return m.Run()
}

// probeAllot returns the binary to use and, when there is none usable, why the allot variants skip.
func probeAllot(bin string) (string, string) {
	if bin == "" {
		return "", "ALLOT_BIN not set"
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Sprintf("allot binary %s not found (not built yet?)", bin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--help").CombinedOutput()
	if err != nil {
		return "", fmt.Sprintf("`%s serve --help` failed (%v): %s", bin, err, strings.TrimSpace(firstLine(string(out))))
	}
	return bin, ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
