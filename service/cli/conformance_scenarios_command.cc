// `allot conformance scenarios DIR_OR_FILE...`: runs allocation scenario files
// (tests/testdata/scenarios/FORMAT.md) through the allocator with each file's feature gates and
// compares with the expectations. Prints `PASS <name>` / `FAIL <name>: <diff>` per file and a
// closing `N passed, M failed`; exit code 1 if anything failed or could not be loaded.
// Cases marked **ordered.** in the INDEX.md next to the files compare results and config in
// order. `--fanout` additionally runs every case through the parallel node fan-out.
// `--config-semantics=1.36` builds devices.config like the Kubernetes 1.36.6 release instead of
// master (alloc::ConfigSemantics; tests/testdata/release136 holds matching expectations).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "api/scenario.h"
#include "core/alloc/conformance.h"
#include "core/alloc/node_fanout.h"
#include "service/cli/command.h"

namespace allot::cli {
namespace {

namespace fs = std::filesystem;

int RunConformanceScenarios(const std::vector<std::string>& args) {
  bool fanout_mode = false;
  alloc::Options options;
  std::vector<fs::path> files;
  for (const std::string& a : args) {
    if (a == "--fanout") {
      fanout_mode = true;
      continue;
    }
    if (a == "--config-semantics=master" || a == "--config-semantics=1.36") {
      options.config_semantics = a.back() == 'r' ? alloc::ConfigSemantics::kMaster : alloc::ConfigSemantics::kRelease136;
      continue;
    }
    if (a == "-h" || a == "--help") {
      std::printf("usage: allot conformance scenarios [--fanout] [--config-semantics=master|1.36] DIR_OR_FILE...\n");
      return 0;
    }
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      std::vector<fs::path> in_dir;
      for (const auto& e : fs::directory_iterator(a, ec)) {
        if (e.path().extension() == ".json") in_dir.push_back(e.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::exists(a, ec)) {
      files.emplace_back(a);
    } else {
      std::fprintf(stderr, "allot conformance scenarios: %s: no such file or directory\n", a.c_str());
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: allot conformance scenarios [--fanout] [--config-semantics=master|1.36] DIR_OR_FILE...\n");
    return 2;
  }
  alloc::NodeFanout fanout(2);
  int passed = 0;
  int failed = 0;
  for (const fs::path& file : files) {
    std::set<std::string> ordered;  // no INDEX.md beside the file: nothing is ordered
    if (std::ifstream index(file.parent_path() / "INDEX.md"); index) {
      std::ostringstream text;
      text << index.rdbuf();
      ordered = alloc::ParseOrderedCases(text.str());
    }
    const std::string name = file.filename().string();
    StatusOr<api::Scenario> sc = api::LoadScenarioFile(file.string());
    if (!sc.ok()) {
      std::printf("FAIL %s: cannot load: %s\n", name.c_str(), std::string(sc.status().message()).c_str());
      ++failed;
      continue;
    }
    const bool is_ordered = ordered.count(name) > 0;
    StatusOr<alloc::ScenarioCheck> check = alloc::CheckScenario(*sc, is_ordered, alloc::ScenarioMode::kSequential, nullptr, options);
    if (check.ok() && check->passed && fanout_mode) {
      check = alloc::CheckScenario(*sc, is_ordered, alloc::ScenarioMode::kFanout, &fanout, options);
    }
    if (!check.ok()) {
      std::printf("FAIL %s: setup: %s\n", name.c_str(), std::string(check.status().message()).c_str());
      ++failed;
    } else if (!check->passed) {
      std::printf("FAIL %s: %s\n", name.c_str(), check->diff.c_str());
      ++failed;
    } else {
      std::printf("PASS %s\n", name.c_str());
      ++passed;
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

ALLOT_REGISTER_COMMAND("conformance scenarios", "run allocation scenario files against the allocator",
                       RunConformanceScenarios);

}  // namespace allot::cli
