// FakeApiServer: a loopback cpp-httplib server standing in for kube-apiserver in integration tests.
//
// Tests script it per path: OnGet/OnPut/OnPost install handlers (regex on the path, first match wins);
// Stream() builds a chunked watch response from newline-delimited JSON lines. Every request is recorded
// ("GET /api/v1/nodes?watch=1&...") so tests can assert the exact protocol the client spoke.
//
// Thread safety: handlers run on the server's threads; requests() and the On* methods are thread-safe
// (install handlers before the client starts, though).
#pragma once

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <tuple>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace allot::svc::testing {

class FakeApiServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  FakeApiServer() {
    server_.set_tcp_nodelay(true);
    auto dispatch = [this](const char* method) {
      return [this, method](const httplib::Request& req, httplib::Response& res) {
        Record(std::string(method) + " " + req.target, req);
        Handler handler;
        {
          std::lock_guard<std::mutex> lock(mu_);
          for (const auto& [m, re, h] : handlers_) {
            if (m == method && std::regex_match(req.path, std::regex(re))) {
              handler = h;
              break;
            }
          }
        }
        if (handler) {
          handler(req, res);
        } else {
          res.status = 404;
          res.set_content(R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"no handler"})",
                          "application/json");
        }
      };
    };
    server_.Get(".*", dispatch("GET"));
    server_.Put(".*", dispatch("PUT"));
    server_.Post(".*", dispatch("POST"));
    server_.Patch(".*", dispatch("PATCH"));
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~FakeApiServer() {
    stopping_.store(true);
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool stopping() const { return stopping_.load(); }

  void On(const std::string& method, const std::string& path_regex, Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handlers_.emplace_back(method, path_regex, std::move(handler));
  }
  void OnGet(const std::string& path_regex, Handler handler) { On("GET", path_regex, std::move(handler)); }

  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<std::string> authorization_headers() const {
    std::lock_guard<std::mutex> lock(mu_);
    return auth_;
  }
  size_t CountRequests(const std::string& substring) const {
    size_t n = 0;
    for (const auto& r : requests()) n += r.find(substring) != std::string::npos;
    return n;
  }

  // A watch response streaming `lines` (each sent as its own chunk followed by '\n'). Then:
  //   end == kClose:       the stream ends cleanly (like a server-side timeout);
  //   end == kHang:        the stream stays open (no data) until the server stops or the client goes away;
  //   end == kBreak:       the connection is dropped after sending half of the last line.
  enum class End { kClose, kHang, kBreak };
  void Stream(httplib::Response& res, std::vector<std::string> lines, End end) {
    auto state = std::make_shared<size_t>(0);
    res.set_chunked_content_provider(
        "application/json", [this, lines = std::move(lines), end, state](size_t, httplib::DataSink& sink) {
          size_t& next = *state;
          if (next < lines.size()) {
            const std::string& line = lines[next];
            bool last = next + 1 == lines.size();
            ++next;
            if (last && end == End::kBreak) {
              sink.write(line.data(), line.size() / 2);
              return false;
            }
            std::string with_nl = line + "\n";
            return sink.write(with_nl.data(), with_nl.size());
          }
          if (end == End::kClose) {
            sink.done();
            return true;
          }
          if (end == End::kBreak) return false;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          return !stopping_.load() && sink.is_writable();
        });
  }

  // Reads newline-delimited JSON lines from a file (blank lines and lines starting with '#' skipped).
  static std::vector<std::string> ReadLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      lines.push_back(line);
    }
    return lines;
  }

 private:
  void Record(std::string line, const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(line));
    auth_.push_back(req.get_header_value("Authorization"));
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::tuple<std::string, std::string, Handler>> handlers_;
  std::vector<std::string> requests_;
  std::vector<std::string> auth_;
};

}  // namespace allot::svc::testing
