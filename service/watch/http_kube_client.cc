#include "service/watch/http_kube_client.h"

#include "service/watch/pem.h"
#include "service/watch/protobuf_object.h"

#include <openssl/x509.h>

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace allot::svc {

std::string UrlEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ErrorText(httplib::Error error) { return httplib::to_string(error); }

StatusOr<Json> ParseBody(const std::string& body, std::string_view what) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InternalError(std::string(what) + ": response is not JSON");
  return parsed;
}

std::string NameOf(const Json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

StatusOr<std::unique_ptr<HttpKubeClient>> HttpKubeClient::Create(ClusterConnection connection,
                                                                 HttpKubeClientOptions options) {
  std::string server = connection.server;
  bool https;
  if (server.rfind("https://", 0) == 0) {
    https = true;
    server = server.substr(8);
  } else if (server.rfind("http://", 0) == 0) {
    https = false;
    server = server.substr(7);
  } else {
    return InvalidArgumentError("server URL must start with https:// or http://: " + connection.server);
  }
  if (auto slash = server.find('/'); slash != std::string::npos) {
    return InvalidArgumentError("server URL with a path prefix is not supported: " + connection.server);
  }
  std::string host = server;
  int port = https ? 443 : 80;
  auto colon = server.rfind(':');
  auto bracket = server.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    host = server.substr(0, colon);
    try {
      port = std::stoi(server.substr(colon + 1));
    } catch (...) {
      return InvalidArgumentError("bad port in server URL: " + connection.server);
    }
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!connection.client_cert_pem.empty()) {
    X509* cert = CertFromPem(connection.client_cert_pem);
    EVP_PKEY* key = KeyFromPem(connection.client_key_pem);
    bool ok = cert != nullptr && key != nullptr;
    if (cert) X509_free(cert);
    if (key) EVP_PKEY_free(key);
    if (!ok) return InvalidArgumentError("client certificate or key is not valid PEM");
  }
  if (!connection.ca_pem.empty()) {
    X509_STORE* store = StoreFromPem(connection.ca_pem);
    if (store == nullptr) return InvalidArgumentError("certificate authority data holds no PEM certificate");
    X509_STORE_free(store);
  }
  std::unique_ptr<HttpKubeClient> client(new HttpKubeClient(std::move(connection), std::move(options)));
  client->https_ = https;
  client->host_ = host;
  client->port_ = port;
  return client;
}

HttpKubeClient::HttpKubeClient(ClusterConnection connection, HttpKubeClientOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

HttpKubeClient::~HttpKubeClient() = default;

std::string HttpKubeClient::BearerToken() {
  if (connection_.token_file.empty()) return connection_.token;
  MutexLock lock(mu_);
  auto now = Clock::now();
  if (cached_token_.empty() || now - token_read_at_ > std::chrono::minutes(1)) {
    auto text = ReadFileToString(connection_.token_file);
    if (text.ok()) {
      std::string token = *text;
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
      cached_token_ = token;
      token_read_at_ = now;
    }
  }
  return cached_token_.empty() ? connection_.token : cached_token_;
}

std::unique_ptr<httplib::ClientImpl> HttpKubeClient::NewClient(std::chrono::seconds read_timeout) {
  std::unique_ptr<httplib::ClientImpl> client;
  if (https_) {
    std::unique_ptr<httplib::SSLClient> ssl;
    if (!connection_.client_cert_pem.empty()) {
      X509* cert = CertFromPem(connection_.client_cert_pem);
      EVP_PKEY* key = KeyFromPem(connection_.client_key_pem);
      ssl = std::make_unique<httplib::SSLClient>(host_, port_, cert, key);
      X509_free(cert);
      EVP_PKEY_free(key);
    } else {
      ssl = std::make_unique<httplib::SSLClient>(host_, port_);
    }
    if (connection_.insecure_skip_tls_verify) {
      ssl->enable_server_certificate_verification(false);
    } else {
      ssl->enable_server_certificate_verification(true);
      if (!connection_.ca_pem.empty()) ssl->set_ca_cert_store(StoreFromPem(connection_.ca_pem));  // takes ownership
    }
    client = std::move(ssl);
  } else {
    client = std::make_unique<httplib::ClientImpl>(host_, port_);
  }
  client->set_connection_timeout(options_.connect_timeout);
  client->set_read_timeout(read_timeout);
  client->set_write_timeout(options_.request_timeout);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_default_headers({{"User-Agent", options_.user_agent}, {"Accept", "application/json"}});
  return client;
}

std::unique_ptr<httplib::ClientImpl> HttpKubeClient::Borrow(bool* reused) {
  *reused = false;
  {
    MutexLock lock(mu_);
    const auto now = Clock::now();
    if (!idle_.empty()) {
      IdleClient idle = std::move(idle_.back());
      idle_.pop_back();
      if (now - idle.since <= options_.max_idle_age) {
        *reused = true;
        return std::move(idle.client);
      }
      // Too old to trust (see max_idle_age); the ones below it in the stack are older still.
      idle_.clear();
    }
  }
  return NewClient(options_.request_timeout);
}

void HttpKubeClient::Return(std::unique_ptr<httplib::ClientImpl> client) {
  MutexLock lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(IdleClient{std::move(client), Clock::now()});
}

StatusOr<HttpKubeClient::RawReply> HttpKubeClient::Exchange(std::string_view verb, const std::string& method,
                                                             const std::string& path, const std::string& body,
                                                             const std::string& content_type,
                                                             const std::string& accept) {
  auto start = Clock::now();
  httplib::Headers headers;
  std::string token = BearerToken();
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  if (!accept.empty()) headers.emplace("Accept", accept);
  auto send = [&](httplib::ClientImpl& client) {
    if (method == "GET") return client.Get(path, headers);
    if (method == "PUT") return client.Put(path, headers, body, content_type);
    if (method == "PATCH") return client.Patch(path, headers, body, content_type);
    return client.Post(path, headers, body, content_type);
  };
  bool reused = false;
  auto client = Borrow(&reused);
  httplib::Result result = send(*client);
  // A pooled connection the server closed fails before the request reaches it (write error, or a read error
  // with nothing read). Sent again once on a new connection: always for a GET; for writes only when the
  // request could not be written, since a read error may follow a write the server has applied.
  if (!result && reused &&
      (method == "GET" || result.error() == httplib::Error::Write || result.error() == httplib::Error::Connection)) {
    client = NewClient(options_.request_timeout);
    result = send(*client);
  }
  std::string what = method + " " + path;
  if (!result) {
    if (options_.observer) options_.observer(verb, 0, SecondsSince(start));
    return UnavailableError(what + ": " + ErrorText(result.error()));
  }
  int status = result->status;
  if (options_.observer) options_.observer(verb, status, SecondsSince(start));
  RawReply reply{status, std::move(result->body)};
  Return(std::move(client));
  return reply;
}

StatusOr<std::string> HttpKubeClient::CallRaw(std::string_view verb, const std::string& method,
                                              const std::string& path, const std::string& body,
                                              const std::string& content_type, const std::string& accept) {
  auto reply = Exchange(verb, method, path, body, content_type, accept);
  if (!reply.ok()) return reply.status();
  if (reply->status < 200 || reply->status >= 300) {
    return ApiStatusFromHttp(reply->status, reply->body, method + " " + path);
  }
  return std::move(reply->body);
}

StatusOr<HttpKubeClient::RawReply> HttpKubeClient::Send(const std::string& method, const std::string& path,
                                                        const std::string& body, const std::string& content_type) {
  return Exchange("request", method, path, body, content_type, "");
}

StatusOr<Json> HttpKubeClient::Call(std::string_view verb, const std::string& method, const std::string& path,
                                    const std::string& body, const std::string& content_type) {
  auto response = CallRaw(verb, method, path, body, content_type, "application/json");
  if (!response.ok()) return response.status();
  return ParseBody(*response, method + " " + path);
}

StatusOr<Json> HttpKubeClient::Get(const ResourceType& type, std::string_view ns, std::string_view name) {
  return Call("get", "GET", type.ObjectPath(ns, name), "", "");
}

StatusOr<ListPage> HttpKubeClient::List(const ResourceType& type, const ListOptions& options) {
  std::string path = type.CollectionPath();
  std::string sep = "?";
  auto add = [&](const std::string& key, const std::string& value) {
    path += sep + key + "=" + UrlEncode(value);
    sep = "&";
  };
  if (options.limit > 0) add("limit", std::to_string(options.limit));
  if (!options.continue_token.empty()) add("continue", options.continue_token);
  if (!options.resource_version.empty()) add("resourceVersion", options.resource_version);
  auto json = Call("list", "GET", path, "", "");
  if (!json.ok()) return json.status();
  ListPage page;
  if (auto items = json->find("items"); items != json->end() && items->is_array()) {
    page.items.reserve(items->size());
    for (auto& item : *items) page.items.push_back(std::move(item));
  }
  if (auto meta = json->find("metadata"); meta != json->end() && meta->is_object()) {
    page.resource_version = meta->value("resourceVersion", "");
    page.continue_token = meta->value("continue", "");
  }
  // Lists drop kind/apiVersion from items; put them back so objects look as they do elsewhere.
  for (auto& item : page.items) {
    if (item.is_object() && !item.contains("kind")) {
      item["kind"] = type.kind;
      item["apiVersion"] = type.ApiVersion();
    }
  }
  return page;
}

Status HttpKubeClient::Watch(const ResourceType& type, const WatchOptions& options, const WatchHandler& handler,
                             WatchCancel* cancel) {
  auto start = Clock::now();
  std::string path = type.CollectionPath() + "?watch=1";
  if (!options.resource_version.empty()) path += "&resourceVersion=" + UrlEncode(options.resource_version);
  if (options.allow_bookmarks) path += "&allowWatchBookmarks=true";
  if (options.timeout_seconds > 0) path += "&timeoutSeconds=" + std::to_string(options.timeout_seconds);

  // Reads block until the server's timeout plus a margin; bookmarks normally arrive well before that.
  auto client = NewClient(std::chrono::seconds(options.timeout_seconds + 60));
  if (cancel != nullptr) cancel->SetInterrupt([c = client.get()] { c->stop(); });
  httplib::Headers headers;
  std::string token = BearerToken();
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);

  int http_status = 0;
  std::string error_body;
  std::string buffer;
  bool stopped_by_handler = false;
  Status decode_error;
  auto on_response = [&](const httplib::Response& response) {
    http_status = response.status;
    return cancel == nullptr || !cancel->cancelled();
  };
  auto on_data = [&](const char* data, size_t length) {
    if (http_status != 200) {
      if (error_body.size() < 4096) error_body.append(data, length);
      return true;
    }
    buffer.append(data, length);
    size_t start_pos = 0;
    for (size_t nl; (nl = buffer.find('\n', start_pos)) != std::string::npos; start_pos = nl + 1) {
      std::string_view line(buffer.data() + start_pos, nl - start_pos);
      if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
      Json parsed = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
      if (!parsed.is_object() || !parsed.contains("type") || !parsed["type"].is_string()) {
        decode_error = InternalError("watch " + type.resource + ": undecodable event line");
        return false;
      }
      const std::string t = parsed["type"].get<std::string>();
      WatchEvent event;
      if (t == "ADDED") {
        event.type = WatchEventType::kAdded;
      } else if (t == "MODIFIED") {
        event.type = WatchEventType::kModified;
      } else if (t == "DELETED") {
        event.type = WatchEventType::kDeleted;
      } else if (t == "BOOKMARK") {
        event.type = WatchEventType::kBookmark;
      } else if (t == "ERROR") {
        event.type = WatchEventType::kError;
      } else {
        continue;  // unknown event types are ignored
      }
      event.object = std::move(parsed["object"]);
      if (!handler(std::move(event))) {
        stopped_by_handler = true;
        return false;
      }
    }
    buffer.erase(0, start_pos);
    return true;
  };
  auto result = client->Get(path, headers, on_response, on_data);
  if (cancel != nullptr) cancel->SetInterrupt(nullptr);
  if (options_.observer) options_.observer("watch", http_status, SecondsSince(start));
  if (cancel != nullptr && cancel->cancelled()) return CancelledError("watch " + type.resource + " cancelled");
  if (!decode_error.ok()) return decode_error;
  if (stopped_by_handler) return OkStatus();
  if (http_status != 0 && http_status != 200) return ApiStatusFromHttp(http_status, error_body, "watch " + path);
  if (!result) {
    // A stream ended by the server's timeout closes the connection cleanly (no error). Anything else is a
    // transport failure the caller retries.
    return UnavailableError("watch " + type.resource + ": " + ErrorText(result.error()));
  }
  return OkStatus();
}

StatusOr<Json> HttpKubeClient::Update(const ResourceType& type, const Json& object) {
  return Call("update", "PUT", type.ObjectPath(NameOf(object, "namespace"), NameOf(object, "name")), object.dump(),
              "application/json");
}

StatusOr<Json> HttpKubeClient::UpdateStatus(const ResourceType& type, const Json& object) {
  return Call("update_status", "PUT",
              type.ObjectPath(NameOf(object, "namespace"), NameOf(object, "name")) + "/status", object.dump(),
              "application/json");
}

StatusOr<Json> HttpKubeClient::Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                                     std::string_view content_type, const Json& patch) {
  return Call("patch", "PATCH", type.ObjectPath(ns, name), patch.dump(), std::string(content_type));
}

StatusOr<Json> HttpKubeClient::AddFinalizer(const ResourceType& type, std::string_view ns, std::string_view name,
                                            std::string_view resource_version, std::string_view finalizer) {
  // Protobuf read-modify-write: see protobuf_object.h for why JSON cannot do this for every object.
  const std::string path = type.ObjectPath(ns, name);
  const std::string protobuf(kProtobufContentType);
  auto current = CallRaw("get", "GET", path, "", "", protobuf);
  if (!current.ok()) return current.status();
  auto meta = ReadProtobufObjectMeta(*current);
  if (!meta.ok()) return meta.status().WithPrefix("GET " + path + " as protobuf");
  if (meta->resource_version != resource_version) {
    return StaleResourceVersion(type, name, meta->resource_version, resource_version);
  }
  if (std::find(meta->finalizers.begin(), meta->finalizers.end(), finalizer) != meta->finalizers.end()) {
    return Get(type, ns, name);
  }
  auto edited = AddFinalizerToProtobufObject(*current, finalizer);
  if (!edited.ok()) return edited.status().WithPrefix("GET " + path + " as protobuf");
  // The body keeps the resourceVersion read above: a concurrent change is a 409 Conflict.
  auto stored = CallRaw("update", "PUT", path, *edited, protobuf, "application/json");
  if (!stored.ok()) return stored.status();
  return ParseBody(*stored, "PUT " + path);
}

StatusOr<Json> HttpKubeClient::Create(const ResourceType& type, const Json& object) {
  return Call("create", "POST", type.CollectionPath(NameOf(object, "namespace")), object.dump(), "application/json");
}

StatusOr<Json> HttpKubeClient::CreateSubresource(const ResourceType& type, std::string_view ns,
                                                 std::string_view name, std::string_view subresource,
                                                 const Json& body) {
  return Call("create", "POST", type.ObjectPath(ns, name) + "/" + std::string(subresource), body.dump(),
              "application/json");
}

}  // namespace allot::svc
