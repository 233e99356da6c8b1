#include "service/demo/demo_cluster.h"

#include <algorithm>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "core/common/status_macros.h"
#include "service/watch/kubeconfig.h"

namespace allot::svc {
namespace {

// Plain (unquoted) YAML scalars get JSON types by YAML 1.2 core-schema rules; quoted ones stay strings.
Json ScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  Json number = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (number.is_number()) return number;
  return text;
}

Json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: return ScalarToJson(node);
    default: return nullptr;
  }
}

void Expand(Json doc, std::vector<Json>* out) {
  if (doc.is_array()) {
    for (auto& item : doc) Expand(std::move(item), out);
    return;
  }
  if (!doc.is_object()) return;
  std::string kind = doc.value("kind", "");
  if (doc.contains("items") && (kind == "List" || (kind.size() > 4 && kind.substr(kind.size() - 4) == "List"))) {
    for (auto& item : doc["items"]) Expand(std::move(item), out);
    return;
  }
  out->push_back(std::move(doc));
}

}  // namespace

StatusOr<std::vector<Json>> ParseManifests(std::string_view text, bool yaml) {
  std::vector<Json> out;
  if (!yaml) {
    Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return InvalidArgumentError("invalid JSON");
    Expand(std::move(doc), &out);
    return out;
  }
  try {
    for (const auto& doc : YAML::LoadAll(std::string(text))) Expand(YamlToJson(doc), &out);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string("invalid YAML: ") + e.what());
  }
  return out;
}

StatusOr<size_t> LoadDemoDirectory(const std::string& dir, MemoryKubeClient& client) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return NotFoundError("demo directory " + dir + " does not exist");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  size_t loaded = 0;
  for (const auto& file : files) {
    ALLOT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(file.string()));
    auto objects = ParseManifests(text, file.extension() != ".json");
    if (!objects.ok()) return objects.status().WithPrefix(file.string());
    for (const auto& object : *objects) {
      auto applied = client.Apply(object);
      if (!applied.ok()) return applied.status().WithPrefix(file.string());
      ++loaded;
    }
  }
  return loaded;
}

}  // namespace allot::svc
