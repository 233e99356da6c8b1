// DelegatedAuthorizer: who may call allot's tooling API and /metrics, decided by the API server, the way
// aggregated API servers and kube-rbac-proxy decide it (`--tooling-auth=delegated`).
//
//   DelegatedAuthorizer auth(kube, {.url_prefix = "/allot"});
//   AuthDecision d = auth.Authorize(req.get_header_value("Authorization"), "GET", "/allot/api/v1/inventory");
//   // reviewed as {path: "/allot/api/v1/inventory", verb: "get"}
//   if (!d.allowed()) -> d.status (401 or 403, or 503 when the API server could not be asked), d.message
//
// Contract:
// - Authentication: the request's `Authorization: Bearer <token>` is sent to the API server in a TokenReview
//   (authentication.k8s.io/v1, default audiences). No header, another scheme, or a token the API server does
//   not authenticate: 401.
// - Authorization: a SubjectAccessReview (authorization.k8s.io/v1) for the reviewed user, groups, uid and
//   extra with `nonResourceAttributes {path, verb}`: verb is the lower-case HTTP method (`get`, `post`), as
//   kube-apiserver itself names non-resource requests; path is `/metrics` for /metrics, so a Prometheus that
//   may scrape other components' /metrics (system:monitoring, or its own ClusterRole) may scrape allot's, and
//   `/allot` + the request path without --url-prefix for everything else (`/allot/api/v1/inventory`,
//   `/allot/api/v1/claims/NS/NAME/metadata`). The `/allot` root is on purpose: every cluster's default
//   `system:discovery` role lets all authenticated users get `/api/*`, which would open allot's GET routes to
//   everyone. RBAC grants access with ClusterRole rules such as `nonResourceURLs: ["/allot/api/v1/*"],
//   verbs: ["get", "post"]`. Not allowed: 403 with the API server's reason.
// - Either review failing (API server unreachable, allot lacking RBAC for the reviews): 503, nothing cached.
// - Cache: an authenticated token's user for `token_ttl`, a decision per (user, groups, verb, path) for
//   `decision_ttl` (10 s each by default, as kube-rbac-proxy); unauthenticated tokens and denials are cached
//   too, for the same time, so a client retrying with a bad token does not become a TokenReview flood. A
//   cache over `max_entries` is emptied. Tokens are kept in memory only and never logged.
//
// Thread safety: Authorize() may be called concurrently from the HTTP workers; the caches are guarded by
// `mu_`, the reviews are made without holding it (two threads may review the same token at once).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "service/watch/kube_client.h"

namespace allot::svc {

struct AuthDecision {
  int status = 200;     // 200 allowed, 401, 403 or 503
  std::string message;  // why not (for the JSON error body)
  std::string user;     // the authenticated user name ("" if none)
  bool allowed() const { return status == 200; }
};

struct DelegatedAuthOptions {
  std::string url_prefix;             // stripped from request paths before the review ("/allot")
  std::string review_root = "/allot";  // put before every reviewed path except /metrics
  std::chrono::seconds token_ttl{10};
  std::chrono::seconds decision_ttl{10};
  size_t max_entries = 4096;  // per cache
};

class DelegatedAuthorizer {
 public:
  DelegatedAuthorizer(KubeClient& kube, DelegatedAuthOptions options);

  // `authorization`: the request's Authorization header ("" if absent); `method`: "GET"/"POST"; `path`: the
  // request path as received.
  AuthDecision Authorize(std::string_view authorization, std::string_view method, std::string_view path);

  // TokenReviews and SubjectAccessReviews sent so far (tests check the caches with it).
  int reviews_sent() const;

 private:
  struct UserInfo {
    bool authenticated = false;
    std::string name;
    std::string uid;
    std::vector<std::string> groups;
    Json extra;  // map of string lists, as the TokenReview gave it
  };
  template <typename V>
  struct Entry {
    V value;
    std::chrono::steady_clock::time_point expires;
  };

  StatusOr<UserInfo> ReviewToken(const std::string& token);
  StatusOr<AuthDecision> ReviewAccess(const UserInfo& user, const std::string& verb, const std::string& path);

  KubeClient& kube_;
  const DelegatedAuthOptions options_;
  mutable Mutex mu_;
  std::map<std::string, Entry<UserInfo>> users_ ALLOT_GUARDED_BY(mu_);         // by token
  std::map<std::string, Entry<AuthDecision>> decisions_ ALLOT_GUARDED_BY(mu_);  // by user, groups, verb, path
  int reviews_sent_ ALLOT_GUARDED_BY(mu_) = 0;
};

// The review types (cluster-scoped, create only).
const ResourceType& TokenReviewsResource();
const ResourceType& SubjectAccessReviewsResource();

}  // namespace allot::svc
