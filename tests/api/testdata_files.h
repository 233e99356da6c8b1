// Test helpers: locating and reading files under tests/testdata.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace allot::api::testdata {

// The repository root: the working directory if it has tests/testdata, else ALLOT_SOURCE_DIR.
inline std::filesystem::path RepoRoot() {
  if (std::filesystem::exists("tests/testdata")) return std::filesystem::current_path();
#ifdef ALLOT_SOURCE_DIR
  return std::filesystem::path(ALLOT_SOURCE_DIR);
#else
  return std::filesystem::current_path();
#endif
}

// Sorted *.json files of tests/testdata/<dir>.
inline std::vector<std::filesystem::path> JsonFilesIn(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path root = RepoRoot() / "tests" / "testdata" / dir;
  if (!std::filesystem::exists(root)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A gtest-safe name: every character outside [A-Za-z0-9] becomes '_'.
inline std::string TestNameFor(const std::string& prefix, const std::filesystem::path& path) {
  std::string name = prefix + "_" + path.stem().string();
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) c = '_';
  }
  return name;
}

}  // namespace allot::api::testdata
