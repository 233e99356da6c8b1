#include "tests/testutil/openapi_document.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace allot::testutil {
namespace {

using nlohmann::json;

const std::vector<std::string>& Methods() {
  static const std::vector<std::string> kMethods = {"get",   "put",  "post",    "delete",
                                                    "patch", "head", "options", "trace"};
  return kMethods;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    out.emplace_back(path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool IsTemplateSegment(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The {names} of a path template.
std::set<std::string> TemplateNames(const std::string& path) {
  std::set<std::string> out;
  for (const std::string& s : Segments(path)) {
    if (IsTemplateSegment(s)) out.insert(s.substr(1, s.size() - 2));
  }
  return out;
}

bool IsStatusKey(const std::string& key) {
  return key == "default" || (key.size() == 3 && key[0] >= '1' && key[0] <= '5' &&
                              std::isdigit(static_cast<unsigned char>(key[1])) &&
                              std::isdigit(static_cast<unsigned char>(key[2])));
}

bool IsJsonMediaType(const std::string& media) {
  return media == "application/json" || (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
}

// Every {"$ref": ...} in `node`, with where it is.
void CollectRefs(const json& node, const std::string& where, std::vector<std::pair<std::string, const json*>>& out) {
  if (node.is_object()) {
    if (auto ref = node.find("$ref"); ref != node.end()) out.emplace_back(where, &*ref);
    for (const auto& [key, child] : node.items()) CollectRefs(child, where + "/" + key, out);
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) CollectRefs(node[i], where + "/" + std::to_string(i), out);
  }
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  return Lower(media);
}

OpenApiDocument::OpenApiDocument(json document) : document_(std::move(document)), validator_(document_) {}

const json* OpenApiDocument::Deref(const json& object) const {
  if (!object.is_object()) return nullptr;
  auto ref = object.find("$ref");
  if (ref == object.end()) return &object;
  return ref->is_string() ? validator_.Resolve(ref->get<std::string>()) : nullptr;
}

std::vector<std::string> OpenApiDocument::StructureProblems() const {
  std::vector<std::string> out;
  const json& d = document_;
  if (!d.is_object()) return {"the document is not a JSON object"};
  const std::string version = d.value("openapi", std::string());
  if (version.rfind("3.0.", 0) != 0) out.push_back("openapi: \"" + version + "\" is not 3.0.x");
  if (!d.contains("info") || !d["info"].is_object() || !d["info"].contains("title") || !d["info"].contains("version")) {
    out.push_back("info: needs title and version");
  }
  std::vector<std::pair<std::string, const json*>> refs;
  CollectRefs(d, "#", refs);
  for (const auto& [where, ref] : refs) {
    if (!ref->is_string() || validator_.Resolve(ref->get<std::string>()) == nullptr) {
      out.push_back(where + ": unresolvable $ref " + ref->dump());
    }
  }
  if (d.contains("components") && d["components"].contains("schemas")) {
    for (const auto& [name, schema] : d["components"]["schemas"].items()) {
      for (auto& p : validator_.SchemaProblems(schema, "components.schemas." + name)) out.push_back(std::move(p));
    }
  }
  auto check_content = [&](const json& content, const std::string& where) {
    if (!content.is_object() || content.empty()) {
      out.push_back(where + ".content: needs at least one media type");
      return;
    }
    for (const auto& [media, object] : content.items()) {
      if (!object.is_object() || !object.contains("schema")) {
        out.push_back(where + ".content." + media + ": needs a schema");
        continue;
      }
      for (auto& p : validator_.SchemaProblems(object["schema"], where + ".content." + media + ".schema")) {
        out.push_back(std::move(p));
      }
    }
  };
  if (!d.contains("paths") || !d["paths"].is_object() || d["paths"].empty()) {
    out.push_back("paths: needs at least one path");
    return out;
  }
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : d["paths"].items()) {
    if (path.empty() || path[0] != '/') out.push_back("paths." + path + ": must start with /");
    if (!item.is_object()) {
      out.push_back("paths." + path + ": not an object");
      continue;
    }
    for (const auto& [key, value] : item.items()) {
      const bool method = std::find(Methods().begin(), Methods().end(), key) != Methods().end();
      if (!method && key != "parameters" && key != "summary" && key != "description") {
        out.push_back("paths." + path + "." + key + ": not an operation or path item field");
      }
    }
    const std::set<std::string> names = TemplateNames(path);
    size_t operations = 0;
    for (const std::string& method : Methods()) {
      if (!item.contains(method)) continue;
      ++operations;
      const std::string where = "paths." + path + "." + method;
      const json& op = item[method];
      if (!op.is_object()) {
        out.push_back(where + ": not an object");
        continue;
      }
      const std::string id = op.value("operationId", std::string());
      if (id.empty()) {
        out.push_back(where + ": needs an operationId");
      } else if (!operation_ids.insert(id).second) {
        out.push_back(where + ": operationId " + id + " is used twice");
      }
      std::set<std::string> declared;
      std::vector<json> parameters;
      for (const char* level : {"path-item", "operation"}) {
        const json& holder = std::string(level) == "path-item" ? item : op;
        if (!holder.contains("parameters")) continue;
        for (const json& p : holder["parameters"]) parameters.push_back(p);
      }
      for (const json& raw : parameters) {
        const json* p = Deref(raw);
        if (p == nullptr || !p->contains("name") || !p->contains("in") || !p->contains("schema")) {
          out.push_back(where + ".parameters: each needs name, in and schema: " + raw.dump());
          continue;
        }
        const std::string pname = (*p)["name"].get<std::string>();
        for (auto& problem : validator_.SchemaProblems((*p)["schema"], where + ".parameters." + pname + ".schema")) {
          out.push_back(std::move(problem));
        }
        if ((*p)["in"] != "path") continue;
        declared.insert(pname);
        if (!p->value("required", false)) {
          out.push_back(where + ".parameters." + pname + ": a path parameter must be required");
        }
        if (names.count(pname) == 0) out.push_back(where + ".parameters." + pname + ": not in the path template");
      }
      for (const std::string& name : names) {
        if (declared.count(name) == 0) out.push_back(where + ": path parameter {" + name + "} is not declared");
      }
      if (op.contains("requestBody")) {
        const json* body = Deref(op["requestBody"]);
        if (body != nullptr) check_content(body->value("content", json()), where + ".requestBody");
      }
      if (!op.contains("responses") || !op["responses"].is_object() || op["responses"].empty()) {
        out.push_back(where + ": needs at least one response");
        continue;
      }
      for (const auto& [status, raw] : op["responses"].items()) {
        const std::string rwhere = where + ".responses." + status;
        if (!IsStatusKey(status)) out.push_back(rwhere + ": not a status code or default");
        const json* response = Deref(raw);
        if (response == nullptr) continue;  // reported as an unresolvable $ref
        if (!response->contains("description")) out.push_back(rwhere + ": needs a description");
        if (response->contains("content")) check_content((*response)["content"], rwhere);
      }
    }
    if (operations == 0) out.push_back("paths." + path + ": has no operation");
  }
  return out;
}

std::vector<OpenApiDocument::Operation> OpenApiDocument::Operations() const {
  std::vector<Operation> out;
  if (!document_.contains("paths")) return out;
  for (const auto& [path, item] : document_["paths"].items()) {
    for (const std::string& method : Methods()) {
      if (item.contains(method)) out.push_back({Upper(method), path});
    }
  }
  return out;
}

std::optional<std::string> OpenApiDocument::MatchPath(std::string_view path) const {
  if (!document_.contains("paths")) return std::nullopt;
  const std::vector<std::string> concrete = Segments(path);
  std::optional<std::string> best;
  size_t best_params = 0;
  for (const auto& [templ, item] : document_["paths"].items()) {
    const std::vector<std::string> pattern = Segments(templ);
    if (pattern.size() != concrete.size()) continue;
    bool match = true;
    size_t params = 0;
    for (size_t i = 0; i < pattern.size() && match; ++i) {
      if (IsTemplateSegment(pattern[i])) {
        match = !concrete[i].empty();
        ++params;
      } else {
        match = pattern[i] == concrete[i];
      }
    }
    if (match && (!best || params < best_params)) {
      best = templ;
      best_params = params;
    }
  }
  return best;
}

const json* OpenApiDocument::FindOperation(std::string_view method, std::string_view path_template) const {
  if (!document_.contains("paths")) return nullptr;
  auto item = document_["paths"].find(std::string(path_template));
  if (item == document_["paths"].end()) return nullptr;
  auto op = item->find(Lower(method));
  return op == item->end() ? nullptr : &*op;
}

std::vector<std::string> OpenApiDocument::Statuses(std::string_view method, std::string_view path_template) const {
  std::vector<std::string> out;
  const json* op = FindOperation(method, path_template);
  if (op == nullptr || !op->contains("responses")) return out;
  for (const auto& [status, response] : (*op)["responses"].items()) out.push_back(status);
  return out;
}

std::vector<std::string> OpenApiDocument::CheckBody(const json& content, const std::string& where,
                                                    std::string_view content_type, std::string_view body) const {
  const std::string media = MediaType(content_type);
  auto it = content.is_object() ? content.find(media) : content.end();
  if (it == content.end()) {
    std::string documented;
    if (content.is_object()) {
      for (const auto& [m, v] : content.items()) documented += (documented.empty() ? "" : ", ") + m;
    }
    return {where + ": media type \"" + media + "\" is not documented (documented: " + documented + ")"};
  }
  if (!it->contains("schema")) return {};
  json value;
  if (IsJsonMediaType(media)) {
    value = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return {where + ": the body is not JSON: " + std::string(body.substr(0, 200))};
  } else {
    value = std::string(body);
  }
  std::vector<std::string> out;
  for (auto& p : validator_.Validate((*it)["schema"], value)) out.push_back(where + ": " + p);
  return out;
}

std::vector<std::string> OpenApiDocument::CheckResponse(std::string_view method, std::string_view path_template,
                                                        int status, std::string_view content_type,
                                                        std::string_view body) const {
  const std::string op_name = Upper(method) + " " + std::string(path_template);
  const json* op = FindOperation(method, path_template);
  if (op == nullptr) return {op_name + ": not documented"};
  const json& responses = op->value("responses", json::object());
  const std::string code = std::to_string(status);
  auto it = responses.find(code);
  if (it == responses.end()) it = responses.find("default");
  if (it == responses.end()) {
    std::string documented;
    for (const auto& [s, r] : responses.items()) documented += (documented.empty() ? "" : ", ") + s;
    return {op_name + ": status " + code + " is not documented (documented: " + documented + ")"};
  }
  const json* response = Deref(*it);
  if (response == nullptr) return {op_name + " " + code + ": unresolvable response $ref"};
  if (!response->contains("content")) {
    if (body.empty()) return {};
    return {op_name + " " + code + ": documents no body, got " + std::to_string(body.size()) + " bytes"};
  }
  return CheckBody((*response)["content"], op_name + " " + code, content_type, body);
}

std::vector<std::string> OpenApiDocument::CheckRequest(std::string_view method, std::string_view path_template,
                                                       std::string_view content_type, std::string_view body) const {
  const std::string op_name = Upper(method) + " " + std::string(path_template);
  const json* op = FindOperation(method, path_template);
  if (op == nullptr) return {op_name + ": not documented"};
  if (!op->contains("requestBody")) return {op_name + ": documents no request body"};
  const json* request = Deref((*op)["requestBody"]);
  if (request == nullptr) return {op_name + ": unresolvable requestBody $ref"};
  return CheckBody(request->value("content", json::object()), op_name + " request", content_type, body);
}

}  // namespace allot::testutil
