// The embedded demo cluster: Kubernetes objects loaded from a directory (deploy/demo by default) into a
// MemoryKubeClient, so `allot serve` without a kubeconfig runs the same reflectors, filter and bind code
// against an in-memory API (claims created and bindings written stay in memory).
//
// Files: every *.json, *.yaml and *.yml in the directory (not recursive), in name order. A file holds one
// object, a List ({"kind": "List"/"...List", "items": [...]}), a JSON array, or several YAML documents.
//
// Thread safety: plain functions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "service/demo/memory_kube_client.h"

namespace allot::svc {

// Parses manifest text (JSON, or YAML when `yaml` is true) into objects, expanding lists.
// kInvalidArgument with the parser's message on bad input.
StatusOr<std::vector<Json>> ParseManifests(std::string_view text, bool yaml);

// The objects ParseManifests would return, in the same order, handed to `emit` one by one. For JSON they are
// emitted while parsing (items of a List whose "kind" precedes "items", elements of a top-level array), so
// one object at a time is held as a tree; on invalid JSON the objects before the error have been emitted.
// Stops at the first error of `emit` and returns it.
Status ForEachManifest(std::string_view text, bool yaml, const std::function<Status(Json)>& emit);

// Loads every manifest file of `dir` into `client` (Apply), object by object as parsed. Returns the number of objects loaded;
// kNotFound if the directory does not exist; errors name the file.
StatusOr<size_t> LoadDemoDirectory(const std::string& dir, MemoryKubeClient& client);

}  // namespace allot::svc
