// The command line of the `kubectl allot` plugin (docs/tooling.md, "kubectl allot"): which subcommand, how to
// reach allot, and how to print the answer. Flags follow kubectl: `--flag value`, `--flag=value`, `-n NS`,
// `-nNS`, `-o json`, `-ojson`, anywhere among the positional arguments; `--` ends the flags.
//
//   kubectl allot inventory [--driver D] [--pool P] [--node N] [--class C]
//   kubectl allot explain pod/NAME | pod NAME | NAME [-n NS] [--nodes a,b]
//   kubectl allot simulate -f pod.yaml [--replicas N] [--nodes a,b] [-n NS]
//   common: -o json|yaml, --kubeconfig, --context, -n/--namespace, --allot-url URL,
//           --allot-namespace (allot-system), --allot-service (allot), --allot-port (8888),
//           --allot-scheme (http), --request-timeout SECONDS (30)
//
// Thread safety: plain functions and value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace allot::svc::kubectl {

enum class OutputFormat { kTable, kJson, kYaml };

struct PluginOptions {
  std::string command;  // "inventory" | "explain" | "simulate" | "help"

  // How to reach the API server (as kubectl): --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else in-cluster.
  std::string kubeconfig;
  std::string context;
  std::optional<std::string> namespace_;  // -n/--namespace; unset = the context's namespace

  // How to reach allot: directly (--allot-url) or through the API server's service proxy
  // /api/v1/namespaces/<allot_namespace>/services/<allot_scheme>:<allot_service>:<allot_port>/proxy/...
  std::string allot_url;
  std::string allot_namespace = "allot-system";
  std::string allot_service = "allot";
  std::string allot_port = "8888";
  std::string allot_scheme = "http";
  int request_timeout_seconds = 30;

  OutputFormat output = OutputFormat::kTable;

  // inventory: query filters, each optional.
  std::string driver, pool, node, device_class;
  // explain: the pod's name (from pod/NAME, pod NAME or NAME).
  std::string pod_name;
  // explain, simulate: nodes to consider (--nodes a,b); empty = every node.
  std::vector<std::string> nodes;
  // simulate: the manifest file (-f, "-" = stdin) and the number of replicas.
  std::string file;
  int replicas = 1;
};

// Parses the arguments after the plugin's name. kInvalidArgument names the flag or argument that is wrong
// (unknown flag, missing value, a flag that does not belong to the subcommand, bad number, unknown output
// format, missing pod name or -f).
StatusOr<PluginOptions> ParsePluginArgs(const std::vector<std::string>& args);

// The help text (`kubectl allot --help`).
std::string PluginUsage();

}  // namespace allot::svc::kubectl
