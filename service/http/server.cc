#include "service/http/server.h"

#include <chrono>
#include <cstdlib>
#include <exception>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace allot::svc {

void WriteJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void WriteJsonError(httplib::Response& res, int status, const std::string& message) {
  nlohmann::json body = {{"error", message}};
  WriteJson(res, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

namespace {

std::unique_ptr<httplib::Server> NewServer(ServingTls* tls) {
  if (tls == nullptr) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>([tls](SSL_CTX& ctx) { return tls->Configure(ctx); });
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, ServiceMetrics& metrics, std::unique_ptr<ServingTls> tls)
    : options_(std::move(options)), tls_(std::move(tls)), metrics_(metrics), server_(NewServer(tls_.get())) {
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  server_->set_keep_alive_timeout(options_.keep_alive_timeout.count());
  server_->set_read_timeout(options_.read_timeout);
  server_->set_write_timeout(options_.write_timeout);
  server_->set_payload_max_length(options_.max_body_bytes);
  const size_t workers = options_.workers == 0 ? 1 : options_.workers;
  server_->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  server_->set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    metrics_.http_exceptions->Add({}).Increment();  // rare: not worth a cached child
    spdlog::error("http {} {}: exception: {}", req.method, req.path, what);
    WriteJsonError(res, 500, "internal error: " + what);
  });
  // Errors produced by the library (no route, body too large, bad request line) get a JSON body.
  server_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message;
    switch (res.status) {
      case 404: message = "no route for " + req.method + " " + req.path; break;
      case 413: {
        // cpp-httplib refuses form-encoded bodies over 8 KiB (its own limit, before any handler) with the same
        // 413. `curl -d` sends that content type, so a JSON body under our limit lands here: name the real
        // problem (415) instead of a limit the body does not exceed.
        const std::string type = req.get_header_value("Content-Type");
        const unsigned long long length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
        if (type.rfind("application/x-www-form-urlencoded", 0) == 0 && length <= options_.max_body_bytes) {
          res.status = 415;
          message = "Content-Type application/x-www-form-urlencoded (curl -d's default) is refused for bodies over "
                    "8192 bytes: send the JSON with Content-Type: application/json (curl -H 'Content-Type: "
                    "application/json')";
        } else {
          message = "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes";
        }
        metrics_.http_bad_requests->Add({{"route", "other"}}).Increment();
        break;
      }
      default: message = "HTTP " + std::to_string(res.status); break;
    }
    WriteJsonError(res, res.status, message);
  });
}

HttpServer::~HttpServer() { Stop(); }

HttpHandler HttpServer::Wrap(const std::string& route, HttpHandler handler, Access access) {
  if (access == Access::kTooling) {
    handler = [this, inner = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      if (tooling_authorizer_) {
        AuthDecision d = tooling_authorizer_(req.get_header_value("Authorization"), req.method, req.path);
        if (!d.allowed()) {
          if (d.status == 401) res.set_header("WWW-Authenticate", "Bearer");
          WriteJsonError(res, d.status, d.message);
          return;
        }
      }
      inner(req, res);
    };
  }
  if (access == Access::kScheduler && tls_ != nullptr && tls_->requires_client_certificates()) {
    handler = [this, route, inner = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      if (!tls_->ClientCertificateVerified(req.ssl)) {
        spdlog::warn("http {} {} from {}: refused, no verified client certificate", req.method, req.path,
                     req.remote_addr);
        WriteJsonError(res, 403,
                       route + " answers only kube-scheduler: present a client certificate signed by --client-ca-file");
        return;
      }
      inner(req, res);
    };
  }
  // The route's children are looked up once here, not per request (status classes other than 2xx, 4xx and 5xx
  // are rare enough to go through the family).
  struct Children {
    prometheus::Histogram* duration;
    prometheus::Counter* ok;
    prometheus::Counter* client_error;
    prometheus::Counter* server_error;
  };
  Children children{&metrics_.http_request_duration->Add({{"route", route}}, ServiceMetrics::LatencyBuckets()),
                    &metrics_.http_requests->Add({{"route", route}, {"code", "2xx"}}),
                    &metrics_.http_requests->Add({{"route", route}, {"code", "4xx"}}),
                    &metrics_.http_requests->Add({{"route", route}, {"code", "5xx"}})};
  return [this, route, children, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    handler(req, res);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    children.duration->Observe(seconds);
    switch (res.status / 100) {
      case 2: children.ok->Increment(); break;
      case 4: children.client_error->Increment(); break;
      case 5: children.server_error->Increment(); break;
      default: metrics_.http_requests->Add({{"route", route}, {"code", CodeClass(res.status)}}).Increment(); break;
    }
    spdlog::debug("http {} {} -> {} in {:.3f} ms", req.method, req.path, res.status, seconds * 1e3);
  };
}

void HttpServer::Get(const std::string& pattern, const std::string& route, HttpHandler handler, Access access) {
  routes_.push_back({"GET", pattern, route});
  server_->Get(pattern, Wrap(route, std::move(handler), access));
}

void HttpServer::Post(const std::string& pattern, const std::string& route, HttpHandler handler, Access access) {
  routes_.push_back({"POST", pattern, route});
  server_->Post(pattern, Wrap(route, std::move(handler), access));
}

Status HttpServer::Start() {
  // Create spdlog's registry on this thread, before the threads we start log: libspdlog is not built with
  // TSan, which then cannot see the once-guard of its lazily created registry and reports a race between the
  // first two threads that log at the same time.
  spdlog::default_logger_raw();
  port_ = options_.port == 0 ? server_->bind_to_any_port(options_.host)
                             : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port_ <= 0) {
    return UnavailableError("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (tls_ == nullptr) {
    spdlog::info("serving HTTP on {}:{} with {} workers", options_.host, port_, options_.workers);
  } else {
    spdlog::info("serving HTTPS on {}:{} with {} workers; extender verbs {}", options_.host, port_, options_.workers,
                 tls_->requires_client_certificates() ? "need a client certificate from --client-ca-file"
                                                      : "open to any caller (no --client-ca-file)");
  }
  return OkStatus();
}

void HttpServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace allot::svc
