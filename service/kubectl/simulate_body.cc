#include "service/kubectl/simulate_body.h"

#include "service/demo/demo_cluster.h"

namespace allot::svc::kubectl {

StatusOr<nlohmann::json> BuildSimulateBody(std::string_view manifest_text, const std::string& default_namespace,
                                           int replicas, const std::vector<std::string>& nodes) {
  size_t first = manifest_text.find_first_not_of(" \t\r\n");
  const bool json = first != std::string_view::npos && (manifest_text[first] == '{' || manifest_text[first] == '[');
  auto objects = ParseManifests(manifest_text, /*yaml=*/!json);
  if (!objects.ok()) return objects.status();
  nlohmann::json pod;
  nlohmann::json claims = nlohmann::json::array();
  nlohmann::json templates = nlohmann::json::array();
  for (size_t i = 0; i < objects->size(); ++i) {
    nlohmann::json& object = (*objects)[i];
    const std::string where = "object " + std::to_string(i);
    if (!object.is_object()) return InvalidArgumentError(where + ": not an object");
    std::string kind = object.value("kind", "");
    if (!object.contains("metadata") || !object["metadata"].is_object()) {
      return InvalidArgumentError(where + " (" + (kind.empty() ? "no kind" : kind) + "): metadata missing");
    }
    nlohmann::json& meta = object["metadata"];
    if (!meta.contains("namespace") || meta["namespace"] == "") meta["namespace"] = default_namespace;
    if (kind == "Pod") {
      if (!pod.is_null()) return InvalidArgumentError(where + ": a second Pod (give one Pod per file)");
      pod = std::move(object);
    } else if (kind == "ResourceClaim") {
      claims.push_back(std::move(object));
    } else if (kind == "ResourceClaimTemplate") {
      templates.push_back(std::move(object));
    } else {
      return InvalidArgumentError(where + ": kind \"" + kind +
                                  "\" is not one of Pod, ResourceClaim, ResourceClaimTemplate");
    }
  }
  if (pod.is_null()) return InvalidArgumentError("no Pod in the file");
  nlohmann::json body = {{"pod", std::move(pod)}};
  if (!claims.empty()) body["claims"] = std::move(claims);
  if (!templates.empty()) body["templates"] = std::move(templates);
  body["replicas"] = replicas;
  if (!nodes.empty()) body["nodes"] = nodes;
  return body;
}

}  // namespace allot::svc::kubectl
