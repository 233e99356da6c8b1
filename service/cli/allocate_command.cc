// `allot allocate --cluster DIR --claims FILE --node NAME [--all-nodes] [--features LIST]`:
// loads ResourceSlices, DeviceClasses, allocated ResourceClaims and Nodes from the JSON files
// in DIR (single objects, typed lists or `kind: List`), the claims to allocate from FILE, and
// prints the allocation results as JSON, or why the claims do not fit. With --all-nodes every
// known node (Node objects and slice nodeNames) is evaluated through the parallel fan-out and
// one line per node is printed. --features takes the scenario spelling (comma separated,
// e.g. "PartitionableDevices,DeviceTaints"); default: the Kubernetes 1.37 gate defaults.
// Exit code: 0 fits (on the node / on at least one node), 1 does not fit, 2 error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/codec.h"
#include "core/alloc/allocator.h"
#include "core/alloc/features.h"
#include "core/alloc/node_fanout.h"
#include "core/index/allocated_state.h"
#include "core/index/from_api.h"
#include "core/index/snapshot.h"
#include "core/model/convert.h"
#include "service/cli/command.h"

namespace allot::cli {
namespace {

namespace fs = std::filesystem;

struct Loaded {
  std::vector<api::ResourceSlice> slices;
  std::vector<api::DeviceClass> classes;
  std::vector<api::ResourceClaim> claims;
  std::vector<api::Node> nodes;
};

template <class T>
Status Take(const nlohmann::json& j, std::vector<T>& out) {
  StatusOr<T> v = api::Decode<T>(j);
  if (!v.ok()) return v.status();
  out.push_back(std::move(v).value());
  return OkStatus();
}

Status AddItem(const nlohmann::json& item, const std::string& list_kind, Loaded& out) {
  std::string kind = item.is_object() ? item.value("kind", "") : "";
  if (kind.empty() && list_kind.size() > 4) kind = list_kind.substr(0, list_kind.size() - 4);
  if (kind == "ResourceSlice") return Take(item, out.slices);
  if (kind == "DeviceClass") return Take(item, out.classes);
  if (kind == "ResourceClaim") return Take(item, out.claims);
  if (kind == "Node") return Take(item, out.nodes);
  if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && item.contains("items")) {
    for (const auto& sub : item["items"]) {
      Status st = AddItem(sub, kind == "List" ? "" : kind, out);
      if (!st.ok()) return st;
    }
  }
  return OkStatus();
}

Status LoadFile(const fs::path& path, Loaded& out) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  StatusOr<nlohmann::json> j = api::ParseJson(ss.str());
  if (!j.ok()) return j.status().WithPrefix(path.string());
  Status st = AddItem(*j, "", out);
  return st.ok() ? st : st.WithPrefix(path.string());
}

StatusOr<alloc::Features> ParseFeatures(const std::string& list) {
  std::vector<std::string> names;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) names.push_back(item);
  }
  return alloc::Features::FromNames(names);
}

void PrintResults(const alloc::AllocationResults& results) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : results) arr.push_back(api::WriteJson(r));
  std::printf("%s\n", arr.dump(2).c_str());
}

int Usage() {
  std::fprintf(stderr,
               "usage: allot allocate --cluster DIR --claims FILE (--node NAME | --all-nodes) [--features LIST]\n");
  return 2;
}

int RunAllocate(const std::vector<std::string>& args) {
  std::string cluster, claims_file, node_name, features_list;
  bool all_nodes = false;
  bool features_set = false;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    if (args[i] == "--cluster") {
      if (!value(cluster)) return Usage();
    } else if (args[i] == "--claims") {
      if (!value(claims_file)) return Usage();
    } else if (args[i] == "--node") {
      if (!value(node_name)) return Usage();
    } else if (args[i] == "--features") {
      if (!value(features_list)) return Usage();
      features_set = true;
    } else if (args[i] == "--all-nodes") {
      all_nodes = true;
    } else {
      return Usage();
    }
  }
  if (cluster.empty() || claims_file.empty() || (node_name.empty() && !all_nodes)) return Usage();
  alloc::Features features;
  if (features_set) {
    StatusOr<alloc::Features> f = ParseFeatures(features_list);
    if (!f.ok()) {
      std::fprintf(stderr, "allot allocate: %s\n", std::string(f.status().message()).c_str());
      return 2;
    }
    features = *f;
  }
  Loaded cluster_objects;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(cluster, ec)) {
    for (const auto& e : fs::directory_iterator(cluster, ec)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(cluster);
  }
  for (const auto& f : files) {
    Status st = LoadFile(f, cluster_objects);
    if (!st.ok()) {
      std::fprintf(stderr, "allot allocate: %s\n", std::string(st.message()).c_str());
      return 2;
    }
  }
  Loaded to_allocate;
  if (Status st = LoadFile(claims_file, to_allocate); !st.ok()) {
    std::fprintf(stderr, "allot allocate: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  index::SnapshotBuild built = index::BuildSnapshot(cluster_objects.slices, cluster_objects.classes);
  if (!built.problems.empty()) {
    std::fprintf(stderr, "allot allocate: %s\n", std::string(built.problems.front().status.message()).c_str());
    return 2;
  }
  const std::shared_ptr<const index::Snapshot> snapshot = std::move(built.snapshot);
  std::set<std::string> node_names;
  for (const auto& s : cluster_objects.slices) {
    if (s.spec.node_name && !s.spec.node_name->empty()) node_names.insert(*s.spec.node_name);
  }
  index::AllocatedStateBuild allocated =
      index::BuildAllocatedState(*snapshot, cluster_objects.claims, features.consumable_capacity);
  if (!allocated.problems.empty()) {
    std::fprintf(stderr, "allot allocate: %s\n", std::string(allocated.problems.front().status.message()).c_str());
    return 2;
  }
  const index::AllocatedState state = std::move(allocated.state);
  std::vector<const api::ResourceClaim*> claims;
  for (const auto& c : to_allocate.claims) claims.push_back(&c);

  std::vector<model::Node> nodes;
  for (const auto& n : cluster_objects.nodes) {
    nodes.push_back(model::ToModel(n));
    node_names.erase(n.metadata.name);
  }
  for (const auto& n : node_names) nodes.push_back(model::Node{n, {}});
  if (!all_nodes) {
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const model::Node& n) { return n.name == node_name; });
    model::Node node = it != nodes.end() ? *it : model::Node{node_name, {}};
    StatusOr<std::optional<alloc::AllocationResults>> r =
        alloc::Allocate(*snapshot, state, node, claims, features, alloc::Options());
    if (!r.ok()) {
      std::printf("%s: %s\n", alloc::IsNodeFailure(r.status()) ? "does not fit" : "error",
                  std::string(r.status().message()).c_str());
      return alloc::IsNodeFailure(r.status()) ? 1 : 2;
    }
    if (!r->has_value()) {
      std::printf("does not fit: cannot allocate all claims on node %s\n", node.name.c_str());
      return 1;
    }
    PrintResults(**r);
    return 0;
  }
  alloc::NodeFanout fanout(2);
  std::vector<alloc::NodeVerdict> verdicts = fanout.Run(*snapshot, state, nodes, claims, features, {});
  int fits = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const alloc::NodeVerdict& v = verdicts[i];
    switch (v.kind) {
      case alloc::NodeVerdict::Kind::kFits: {
        ++fits;
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& r : *v.results) arr.push_back(api::WriteJson(r));
        std::printf("%s: fits %s\n", nodes[i].name.c_str(), arr.dump().c_str());
        break;
      }
      case alloc::NodeVerdict::Kind::kDoesNotFit:
        std::printf("%s: does not fit\n", nodes[i].name.c_str());
        break;
      case alloc::NodeVerdict::Kind::kNodeFailure:
      case alloc::NodeVerdict::Kind::kError:
        std::printf("%s: %s\n", nodes[i].name.c_str(), std::string(v.status.message()).c_str());
        break;
      case alloc::NodeVerdict::Kind::kSkipped:
        std::printf("%s: skipped\n", nodes[i].name.c_str());
        break;
    }
  }
  return fits > 0 ? 0 : 1;
}

}  // namespace

ALLOT_REGISTER_COMMAND("allocate", "allocate claims on a node from cluster objects in a directory", RunAllocate);

}  // namespace allot::cli
