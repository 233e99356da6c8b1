#include "service/demo/demo_cluster.h"

#include <algorithm>
#include <filesystem>
#include <functional>

#include <yaml-cpp/yaml.h>

#include "base/status_macros.h"
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

bool IsListKind(const std::string& kind) {
  return kind == "List" || (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0);
}

void Expand(Json doc, std::vector<Json>* out) {
  if (doc.is_array()) {
    for (auto& item : doc) Expand(std::move(item), out);
    return;
  }
  if (!doc.is_object()) return;
  std::string kind = doc.value("kind", "");
  if (doc.contains("items") && IsListKind(kind)) {
    for (auto& item : doc["items"]) Expand(std::move(item), out);
    return;
  }
  out->push_back(std::move(doc));
}

// Parses JSON text and hands each object to `emit` as soon as it is complete: elements of a top-level array,
// and items of a top-level List whose "kind" came before "items", are expanded and emitted at their end and
// then dropped from the tree, so only one of them is held at a time. Whatever is left (the root, including
// a List whose kind came after its items) is expanded at the end. The objects and their order are those of
// parsing in one piece and calling Expand. The first error of `emit` stops further emits and is returned.
Status ForEachJsonManifest(std::string_view text, const std::function<Status(Json)>& emit) {
  Status first_error;
  auto deliver = [&](Json doc) {
    if (!first_error.ok()) return;
    std::vector<Json> objects;
    Expand(std::move(doc), &objects);
    for (auto& object : objects) {
      first_error = emit(std::move(object));
      if (!first_error.ok()) return;
    }
  };
  enum class Root { kUnknown, kObject, kArray };
  Root root = Root::kUnknown;
  std::string root_key;    // the current key of the root object
  bool root_is_list = false;  // the root object's "kind" (seen so far) names a list
  bool in_items = false;   // inside the root List's "items" array
  // Depths as nlohmann reports them: the root is 0, its members 1, members of those 2.
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) -> bool {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (depth == 0) {
          root = event == Json::parse_event_t::object_start ? Root::kObject : Root::kArray;
        } else if (depth == 1 && root == Root::kObject && root_key == "items" && root_is_list &&
                   event == Json::parse_event_t::array_start) {
          in_items = true;
        }
        return true;
      case Json::parse_event_t::key:
        if (depth == 1 && root == Root::kObject && parsed.is_string()) root_key = parsed.get<std::string>();
        return true;
      case Json::parse_event_t::value:
        if (depth == 1 && root == Root::kObject && root_key == "kind") {
          root_is_list = parsed.is_string() && IsListKind(parsed.get_ref<const std::string&>());
        }
        return true;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if ((depth == 1 && root == Root::kArray) || (depth == 2 && in_items)) {
          deliver(std::move(parsed));
          return false;  // drop it from the tree
        }
        if (depth == 1 && in_items) in_items = false;  // end of "items"
        return true;
    }
    return true;
  };
  Json rest = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (rest.is_discarded()) return InvalidArgumentError("invalid JSON");
  deliver(std::move(rest));
  return first_error;
}

}  // namespace

Status ForEachManifest(std::string_view text, bool yaml, const std::function<Status(Json)>& emit) {
  if (!yaml) return ForEachJsonManifest(text, emit);
  std::vector<Json> out;
  try {
    for (const auto& doc : YAML::LoadAll(std::string(text))) Expand(YamlToJson(doc), &out);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string("invalid YAML: ") + e.what());
  }
  for (auto& object : out) ALLOT_RETURN_IF_ERROR(emit(std::move(object)));
  return OkStatus();
}

StatusOr<std::vector<Json>> ParseManifests(std::string_view text, bool yaml) {
  std::vector<Json> out;
  ALLOT_RETURN_IF_ERROR(ForEachManifest(text, yaml, [&](Json object) {
    out.push_back(std::move(object));
    return OkStatus();
  }));
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
    // Objects are applied as they are parsed (a demo file can be GBs of JSON; see ForEachManifest).
    Status status = ForEachManifest(text, file.extension() != ".json", [&](Json object) -> Status {
      auto applied = client.Apply(std::move(object));
      if (!applied.ok()) return applied.status();
      ++loaded;
      return OkStatus();
    });
    if (!status.ok()) return status.WithPrefix(file.string());
  }
  return loaded;
}

}  // namespace allot::svc
