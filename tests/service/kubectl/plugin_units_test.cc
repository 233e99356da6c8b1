// The kubectl plugin's pure parts: flag parsing, kubeconfig lookup, the service proxy path, tables, YAML
// output and the simulate body. The plugin against a running allot is in plugin_test.cc.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "service/demo/demo_cluster.h"
#include "service/kubectl/allot_endpoint.h"
#include "service/kubectl/answer_tables.h"
#include "service/kubectl/plugin_options.h"
#include "service/kubectl/simulate_body.h"
#include "service/kubectl/table.h"
#include "service/kubectl/yaml_output.h"

namespace allot::svc::kubectl {
namespace {

using Json = nlohmann::json;

StatusOr<PluginOptions> Parse(std::vector<std::string> args) { return ParsePluginArgs(args); }

TEST(PluginOptionsTest, ExplainAcceptsThePodInEveryKubectlSpellingAndFlagsAnywhere) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"explain", "pod/trainer", "-n", "team-a"},
                                                               {"-nteam-a", "explain", "pod", "trainer"},
                                                               {"explain", "--namespace=team-a", "pods/trainer"},
                                                               {"explain", "trainer", "--namespace", "team-a"}}) {
    auto o = Parse(args);
    ASSERT_TRUE(o.ok()) << o.status();
    EXPECT_EQ(o->command, "explain");
    EXPECT_EQ(o->pod_name, "trainer");
    ASSERT_TRUE(o->namespace_.has_value());
    EXPECT_EQ(*o->namespace_, "team-a");
  }
  auto o = Parse({"explain", "po/x", "--nodes", "a,b", "--nodes=c", "-ojson"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->nodes, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(o->output, OutputFormat::kJson);
  EXPECT_FALSE(o->namespace_.has_value());
}

TEST(PluginOptionsTest, ConnectionAndSimulateFlags) {
  auto o = Parse({"simulate", "-f", "pod.yaml", "--replicas", "5", "-o", "yaml", "--kubeconfig", "/k",
                  "--context", "prod", "--allot-namespace", "tools", "--allot-service=alloc", "--allot-port", "http",
                  "--allot-scheme", "https"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->file, "pod.yaml");
  EXPECT_EQ(o->replicas, 5);
  EXPECT_EQ(o->output, OutputFormat::kYaml);
  EXPECT_EQ(o->kubeconfig, "/k");
  EXPECT_EQ(o->context, "prod");
  EXPECT_EQ(ServiceProxyPath(*o), "/api/v1/namespaces/tools/services/https:alloc:http/proxy");
  // Defaults match deploy/k8s (Service allot in allot-system, port 8888).
  auto d = Parse({"inventory"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(ServiceProxyPath(*d), "/api/v1/namespaces/allot-system/services/http:allot:8888/proxy");
  EXPECT_EQ(d->output, OutputFormat::kTable);
}

TEST(PluginOptionsTest, MistakesNameTheFlagOrArgument) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  for (const auto& c : std::vector<Case>{
           {{"inventory", "--bogus"}, "unknown flag --bogus"},
           {{"inventory", "-o"}, "flag -o needs a value"},
           {{"inventory", "-o", "wide"}, "--output: unknown format \"wide\""},
           {{"inventory", "--replicas", "2"}, "flag --replicas does not apply to inventory"},
           {{"explain", "--driver", "x", "pod/a"}, "flag --driver does not apply to explain"},
           {{"explain"}, "explain: give the pod"},
           {{"explain", "node/a"}, "only pods can be explained, not \"node\""},
           {{"explain", "a", "b", "c"}, "one pod at a time"},
           {{"simulate", "--replicas", "2"}, "simulate: give the pod with -f"},
           {{"simulate", "-f", "p.yaml", "--replicas", "0"}, "--replicas: must be at least 1"},
           {{"simulate", "-f", "p.yaml", "--replicas", "2x"}, "--replicas: not a number"},
           {{"inventory", "extra"}, "unexpected argument \"extra\""},
           {{"describe"}, "unknown command \"describe\""},
           {{"inventory", "--allot-scheme", "ftp"}, "--allot-scheme: must be http or https"},
       }) {
    auto o = Parse(c.args);
    ASSERT_FALSE(o.ok()) << c.args[0];
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(o.status().message()).find(c.error), std::string::npos) << o.status();
  }
  auto help = Parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ(help->command, "help");
  EXPECT_EQ(Parse({})->command, "help");
}

TEST(FindKubeconfigTest, FlagThenFirstExistingFileOfKubeconfigThenHome) {
  auto dir = std::filesystem::temp_directory_path() / ("kubectl-allot-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / ".kube");
  std::ofstream(dir / "b.yaml") << "x";
  std::ofstream(dir / ".kube" / "config") << "x";
  const std::string d = dir.string();
  EXPECT_EQ(FindKubeconfig("/flag", d + "/b.yaml", d), "/flag");
  EXPECT_EQ(FindKubeconfig("", d + "/a.yaml:" + d + "/b.yaml", d), d + "/b.yaml");
  EXPECT_EQ(FindKubeconfig("", d + "/a.yaml", d), d + "/.kube/config");
  EXPECT_EQ(FindKubeconfig("", "", d + "/nothing-here"), "");
  std::filesystem::remove_all(dir);
}

// The header line and each row's cells, split on runs of 2+ spaces (cells here hold no double spaces).
std::vector<std::vector<std::string>> Cells(const std::string& table) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  while (start < table.size()) {
    size_t nl = table.find('\n', start);
    std::string line = table.substr(start, nl - start);
    start = nl + 1;
    if (line.empty()) break;
    std::vector<std::string> cells;
    size_t i = 0;
    while (i < line.size()) {
      size_t gap = line.find("  ", i);
      cells.push_back(line.substr(i, gap == std::string::npos ? std::string::npos : gap - i));
      if (gap == std::string::npos) break;
      i = line.find_first_not_of(' ', gap);
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST(TableTest, ColumnsAlignLikeKubectl) {
  Table t({"NAME", "A"});
  t.AddRow({"x", "1"});
  t.AddRow({"longer-name", ""});
  EXPECT_EQ(t.Render(),
            "NAME          A\n"
            "x             1\n"
            "longer-name   <none>\n");
  Table narrow({"N", "V"});
  narrow.AddRow({"a", "b"});
  EXPECT_EQ(narrow.Render(), "N     V\na     b\n");  // minimum cell width 6, as kubectl's tabwriter
}

TEST(AnswerTablesTest, InventoryRowsComeFromTheAnswer) {
  Json answer = Json::parse(R"({
    "pools": [{"driver": "gpu.example.com", "pool": "n1", "node": "n1", "generation": 1, "resourceSliceCount": 1,
               "totalDevices": 8, "allocatedDevices": 3, "availableDevices": 4, "unavailableDevices": 1},
              {"driver": "gpu.example.com", "pool": "n2", "generation": 5,
               "validationError": "PoolIncomplete: observed 1/2 slices"}],
    "classes": [{"class": "gpu.example.com", "node": "n1", "devices": 8, "free": 4}],
    "inFlightReservations": 2})");
  std::string text = InventoryTables(answer);
  auto pools_end = text.find("\n\n");
  ASSERT_NE(pools_end, std::string::npos) << text;
  auto pools = Cells(text.substr(0, pools_end + 1));
  ASSERT_EQ(pools.size(), 3u) << text;
  EXPECT_EQ(pools[0], (std::vector<std::string>{"DRIVER", "POOL", "NODE", "DEVICES", "ALLOCATED", "AVAILABLE",
                                                "UNAVAILABLE", "ERROR"}));
  EXPECT_EQ(pools[1], (std::vector<std::string>{"gpu.example.com", "n1", "n1", "8", "3", "4", "1", "<none>"}));
  EXPECT_EQ(pools[2], (std::vector<std::string>{"gpu.example.com", "n2", "<none>", "<unknown>", "<unknown>",
                                                "<unknown>", "<unknown>", "PoolIncomplete: observed 1/2 slices"}));
  auto classes = Cells(text.substr(pools_end + 2));
  ASSERT_GE(classes.size(), 2u);
  EXPECT_EQ(classes[0], (std::vector<std::string>{"CLASS", "NODE", "DEVICES", "FREE"}));
  EXPECT_EQ(classes[1], (std::vector<std::string>{"gpu.example.com", "n1", "8", "4"}));
  EXPECT_NE(text.find("in-flight reservations: 2\n"), std::string::npos);
  EXPECT_EQ(InventoryTables(Json::parse(R"({"pools": [], "classes": [], "inFlightReservations": 0})")),
            "No resource pools found.\n");
}

TEST(AnswerTablesTest, ExplainHasOneRowPerReasonAndTheSummary) {
  Json answer = Json::parse(R"j({"fits": ["a"], "summary": "1/3 nodes fit; 1 NoDevices",
    "nodes": [{"node": "a", "fits": true, "reasons": []},
              {"node": "b", "fits": false, "reasons": [
                 {"claim": "default/c", "request": "gpu", "code": "NoDevices", "message": "the node has no devices"},
                 {"claim": "default/d", "request": "nic", "code": "DevicesInUse", "message": "held by x/y (1)"}]},
              {"node": "c", "fits": false, "reasons": [], "error": "node not found in allot's cluster state"}]})j");
  std::string text = ExplainTable(answer);
  auto rows = Cells(text);
  ASSERT_EQ(rows.size(), 5u) << text;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NODE", "FITS", "CLAIM", "REQUEST", "CODE", "MESSAGE"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"a", "true", "-", "-", "-", "-"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"b", "false", "default/c", "gpu", "NoDevices",
                                               "the node has no devices"}));
  EXPECT_EQ(rows[3][4], "DevicesInUse");
  EXPECT_EQ(rows[4], (std::vector<std::string>{"c", "false", "-", "-", "Error",
                                               "node not found in allot's cluster state"}));
  const std::string summary = "\n\n1/3 nodes fit; 1 NoDevices\n";  // after a blank line, at the end
  ASSERT_GE(text.size(), summary.size());
  EXPECT_EQ(text.substr(text.size() - summary.size()), summary);
}

TEST(AnswerTablesTest, SimulateListsPlacementsThenPlacedAndTheFirstFailure) {
  Json answer = Json::parse(R"({"placed": 2,
    "placements": [
      {"node": "n1", "allocations": [{"claim": "default/p-0-gpu", "results": [
          {"request": "gpu", "driver": "d", "pool": "n1", "device": "gpu-0"},
          {"request": "gpu", "driver": "d", "pool": "n1", "device": "gpu-1"}]},
        {"claim": "default/shared", "results": [{"request": "nic", "driver": "d", "pool": "n1", "device": "nic-0"}]}]},
      {"node": "n2", "allocations": [{"claim": "default/p-1-gpu", "results": [
          {"request": "gpu", "driver": "d", "pool": "n2", "device": "gpu-0"}]}]}],
    "firstFailure": {"fits": [], "nodes": [], "summary": "0/2 nodes fit; 2 DevicesInUse"}})");
  std::string text = SimulateTable(answer, 3);
  auto rows = Cells(text.substr(0, text.find("\n\n") + 1));
  ASSERT_EQ(rows.size(), 3u) << text;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"REPLICA", "NODE", "CLAIMS"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "n1",
                                               "default/p-0-gpu: n1/gpu-0, n1/gpu-1; default/shared: n1/nic-0"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "n2", "default/p-1-gpu: n2/gpu-0"}));
  EXPECT_NE(text.find("\nplaced 2/3\nreplica 3 does not fit: 0/2 nodes fit; 2 DevicesInUse\n"), std::string::npos)
      << text;
  EXPECT_EQ(SimulateTable(Json::parse(R"({"placed": 0, "placements": []})"), 1), "placed 0/1\n");
}

TEST(JsonToYamlTest, ParsesBackToTheSameJson) {
  Json value = Json::parse(R"({
    "strings": ["true", "false", "null", "~", "", " padded ", "123", "1.5", "-1", "0x10", "yes", "no", "on",
                "a: b", "#hash", "- dash", "[x]", "{y}", "multi\nline", "quote\"s", "é", "*star", "plain text",
                "3g.40gb", "81152Mi", ".inf"],
    "numbers": [0, -7, 123456789012, 2.5],
    "bools": [true, false], "nothing": null, "empty_object": {}, "empty_array": [],
    "nested": {"pools": [{"driver": "gpu.example.com", "node": "n1", "counterSets": [{"name": "s"}]}]},
    "123": "numeric key", "true": "bool key"})");
  std::string yaml = JsonToYaml(value);
  auto parsed = ParseManifests(yaml, /*yaml=*/true);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << yaml;
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0], value) << yaml;
  EXPECT_NE(yaml.find("bools:\n  - true\n  - false\n"), std::string::npos) << yaml;  // block style
}

TEST(SimulateBodyTest, OnePodPlusClaimsAndTemplatesGetTheDefaultNamespace) {
  const char* yaml = R"(apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  resourceClaims: [{name: gpu, resourceClaimTemplateName: one-gpu}]
  containers: [{name: main, image: busybox}]
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: one-gpu, namespace: other}
spec: {spec: {devices: {requests: [{name: gpu, exactly: {deviceClassName: gpu.example.com}}]}}}
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: shared}
spec: {devices: {requests: [{name: nic, exactly: {deviceClassName: nic.example.com, count: 2}}]}}
)";
  auto body = BuildSimulateBody(yaml, "team-a", 4, {"n1"});
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ((*body)["pod"]["metadata"]["namespace"], "team-a");
  EXPECT_EQ((*body)["pod"]["spec"]["resourceClaims"][0]["resourceClaimTemplateName"], "one-gpu");
  ASSERT_EQ((*body)["templates"].size(), 1u);
  EXPECT_EQ((*body)["templates"][0]["metadata"]["namespace"], "other");
  ASSERT_EQ((*body)["claims"].size(), 1u);
  EXPECT_EQ((*body)["claims"][0]["metadata"]["namespace"], "team-a");
  EXPECT_EQ((*body)["claims"][0]["spec"]["devices"]["requests"][0]["exactly"]["count"], 2);  // a number
  EXPECT_EQ((*body)["replicas"], 4);
  EXPECT_EQ((*body)["nodes"], Json({"n1"}));

  auto json_body = BuildSimulateBody(R"({"kind": "Pod", "metadata": {"name": "p", "namespace": "x"}})", "d", 1, {});
  ASSERT_TRUE(json_body.ok()) << json_body.status();
  EXPECT_EQ(*json_body, Json::parse(R"({"pod": {"kind": "Pod", "metadata": {"name": "p", "namespace": "x"}},
                                        "replicas": 1})"));
}

TEST(SimulateBodyTest, BadFilesNameTheProblem) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const auto& c : std::vector<Case>{
           {"kind: ResourceClaim\nmetadata: {name: c}\n", "no Pod in the file"},
           {"kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n", "object 1: a second Pod"},
           {"kind: Pod\nmetadata: {name: a}\n---\nkind: Deployment\nmetadata: {name: b}\n",
            "object 1: kind \"Deployment\" is not one of Pod, ResourceClaim, ResourceClaimTemplate"},
           {"kind: Pod\n", "object 0 (Pod): metadata missing"},
           {"kind: [unclosed\n", "invalid YAML"},
       }) {
    auto body = BuildSimulateBody(c.text, "default", 1, {});
    ASSERT_FALSE(body.ok()) << c.text;
    EXPECT_NE(std::string(body.status().message()).find(c.error), std::string::npos) << body.status();
  }
}

}  // namespace
}  // namespace allot::svc::kubectl
