// Command cluster is a multi-call binary holding the control-plane components the e2e suite runs as
// separate processes: embedded etcd and the upstream kube-apiserver, kube-scheduler and
// kube-controller-manager commands, built from the k8s.io/kubernetes release pinned in tests/e2e/go.mod.
//
//	cluster etcd --data-dir DIR --client-url http://127.0.0.1:PORT --peer-url http://127.0.0.1:PORT
//	cluster kube-apiserver [upstream flags...]
//	cluster kube-scheduler [upstream flags...]
//	cluster kube-controller-manager [upstream flags...]
//
// Each component gets its own process, so the global state the components keep (feature gates, metrics
// registries, klog flags) is never shared. The component commands are the same cobra commands the
// upstream binaries run (app.New...Command + cli.Run), with the same side-effect imports.
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // as upstream kube-apiserver / kube-controller-manager (CronJob time zones)

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format, as upstream
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as upstream
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric, as upstream
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

const usage = "usage: cluster {etcd|kube-apiserver|kube-scheduler|kube-controller-manager} [flags...]"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	sub, rest := os.Args[1], os.Args[2:]
	var command *cobra.Command
	switch sub {
	case "etcd":
		os.Exit(runEtcd(rest))
	case "kube-apiserver":
		command = apiserver.NewAPIServerCommand()
	case "kube-scheduler":
		command = scheduler.NewSchedulerCommand()
	case "kube-controller-manager":
		command = controllermanager.NewControllerManagerCommand()
	case "-h", "--help", "help":
		fmt.Println(usage)
		os.Exit(0)
	default:
		fmt.Fprintf(os.Stderr, "cluster: unknown subcommand %q\n%s\n", sub, usage)
		os.Exit(2)
	}
	command.SetArgs(rest)
	os.Exit(cli.Run(command))
}
