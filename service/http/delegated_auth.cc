#include "service/http/delegated_auth.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <spdlog/spdlog.h>

namespace allot::svc {

const ResourceType& TokenReviewsResource() {
  static const ResourceType t{"/apis/authentication.k8s.io/v1", "tokenreviews", "TokenReview", false};
  return t;
}

const ResourceType& SubjectAccessReviewsResource() {
  static const ResourceType t{"/apis/authorization.k8s.io/v1", "subjectaccessreviews", "SubjectAccessReview", false};
  return t;
}

namespace {

// The token of "Bearer <token>" (scheme case-insensitive, as Go's net/http treats it), else "".
std::string BearerToken(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return "";
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
  return std::string(token);
}

template <typename Map>
void Put(Map& map, const std::string& key, typename Map::mapped_type entry, size_t max_entries) {
  if (map.size() >= max_entries) map.clear();  // bounded; refilled by the next requests
  map.insert_or_assign(key, std::move(entry));
}

}  // namespace

DelegatedAuthorizer::DelegatedAuthorizer(KubeClient& kube, DelegatedAuthOptions options)
    : kube_(kube), options_(std::move(options)) {}

int DelegatedAuthorizer::reviews_sent() const {
  MutexLock lock(mu_);
  return reviews_sent_;
}

StatusOr<DelegatedAuthorizer::UserInfo> DelegatedAuthorizer::ReviewToken(const std::string& token) {
  Json review = {{"apiVersion", "authentication.k8s.io/v1"},
                 {"kind", "TokenReview"},
                 {"spec", {{"token", token}}}};
  {
    MutexLock lock(mu_);
    ++reviews_sent_;
  }
  StatusOr<Json> answer = kube_.Create(TokenReviewsResource(), review);
  if (!answer.ok()) return answer.status();
  UserInfo user;
  const Json& status = answer->contains("status") ? (*answer)["status"] : Json::object();
  user.authenticated = status.value("authenticated", false);
  if (user.authenticated && status.contains("user") && status["user"].is_object()) {
    const Json& u = status["user"];
    user.name = u.value("username", "");
    user.uid = u.value("uid", "");
    if (u.contains("groups") && u["groups"].is_array()) {
      for (const Json& g : u["groups"]) {
        if (g.is_string()) user.groups.push_back(g.get<std::string>());
      }
    }
    if (u.contains("extra") && u["extra"].is_object()) user.extra = u["extra"];
  }
  return user;
}

StatusOr<AuthDecision> DelegatedAuthorizer::ReviewAccess(const UserInfo& user, const std::string& verb,
                                                         const std::string& path) {
  Json spec = {{"user", user.name},
               {"groups", user.groups},
               {"nonResourceAttributes", {{"path", path}, {"verb", verb}}}};
  if (!user.uid.empty()) spec["uid"] = user.uid;
  if (user.extra.is_object() && !user.extra.empty()) spec["extra"] = user.extra;
  Json review = {{"apiVersion", "authorization.k8s.io/v1"}, {"kind", "SubjectAccessReview"}, {"spec", spec}};
  {
    MutexLock lock(mu_);
    ++reviews_sent_;
  }
  StatusOr<Json> answer = kube_.Create(SubjectAccessReviewsResource(), review);
  if (!answer.ok()) return answer.status();
  const Json& status = answer->contains("status") ? (*answer)["status"] : Json::object();
  AuthDecision d;
  d.user = user.name;
  if (status.value("allowed", false) && !status.value("denied", false)) return d;
  d.status = 403;
  std::string reason = status.value("reason", "");
  d.message = "user \"" + user.name + "\" may not " + verb + " " + path +
              " (grant it with a ClusterRole rule nonResourceURLs: [\"" + path + "\"], verbs: [\"" + verb + "\"])" +
              (reason.empty() ? "" : ": " + reason);
  return d;
}

AuthDecision DelegatedAuthorizer::Authorize(std::string_view authorization, std::string_view method,
                                            std::string_view path) {
  const std::string token = BearerToken(authorization);
  if (token.empty()) {
    return AuthDecision{401, "authentication required: send Authorization: Bearer <token> (--tooling-auth=delegated)", ""};
  }
  std::string canonical(path);
  const std::string& prefix = options_.url_prefix;
  if (!prefix.empty() && prefix != "/" && canonical.rfind(prefix + "/", 0) == 0) canonical.erase(0, prefix.size());
  if (canonical != "/metrics") canonical = options_.review_root + canonical;
  std::string verb(method);
  std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char c) { return std::tolower(c); });

  const auto now = std::chrono::steady_clock::now();
  UserInfo user;
  bool have_user = false;
  {
    MutexLock lock(mu_);
    auto it = users_.find(token);
    if (it != users_.end() && it->second.expires > now) {
      user = it->second.value;
      have_user = true;
    }
  }
  if (!have_user) {
    StatusOr<UserInfo> reviewed = ReviewToken(token);
    if (!reviewed.ok()) {
      spdlog::warn("tooling auth: TokenReview failed: {}", reviewed.status().message());
      return AuthDecision{503, "cannot check the token with the API server: " + std::string(reviewed.status().message()),
                          ""};
    }
    user = std::move(*reviewed);
    MutexLock lock(mu_);
    Put(users_, token, Entry<UserInfo>{user, now + options_.token_ttl}, options_.max_entries);
  }
  if (!user.authenticated) return AuthDecision{401, "the API server did not authenticate this token", ""};

  std::string key = user.name + '\n' + user.uid + '\n' + verb + '\n' + canonical;
  for (const std::string& g : user.groups) key += '\n' + g;
  {
    MutexLock lock(mu_);
    auto it = decisions_.find(key);
    if (it != decisions_.end() && it->second.expires > now) return it->second.value;
  }
  StatusOr<AuthDecision> decided = ReviewAccess(user, verb, canonical);
  if (!decided.ok()) {
    spdlog::warn("tooling auth: SubjectAccessReview failed: {}", decided.status().message());
    return AuthDecision{503, "cannot check access with the API server: " + std::string(decided.status().message()),
                        user.name};
  }
  MutexLock lock(mu_);
  Put(decisions_, key, Entry<AuthDecision>{*decided, now + options_.decision_ttl}, options_.max_entries);
  return *decided;
}

}  // namespace allot::svc
