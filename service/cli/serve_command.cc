// `allot serve`: runs the scheduler extender (filter/prioritize/bind), /healthz, /readyz and /metrics.
// Flags: service/config/serve_config.cc (one table).
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "service/cli/command.h"
#include "service/config/serve_config.h"
#include "service/service.h"

namespace allot::cli {
namespace {

void ConfigureLogging(const svc::ServiceConfig& config) {
  spdlog::set_level(config.verbosity < 0    ? spdlog::level::warn
                    : config.verbosity == 0 ? spdlog::level::info
                    : config.verbosity == 1 ? spdlog::level::debug
                                            : spdlog::level::trace);
  if (config.log_format == "json") {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %L %v");
  }
}

int RunServe(const std::vector<std::string>& args) {
  auto flags = svc::ParseServeFlags(args);
  if (!flags.ok()) {
    std::fprintf(stderr, "allot serve: %s\n\n%s", std::string(flags.status().message()).c_str(),
                 svc::ServeHelp().c_str());
    return 2;
  }
  if (flags->help) {
    std::printf("%s", svc::ServeHelp().c_str());
    return 0;
  }
  ConfigureLogging(flags->config);
  const svc::ServiceConfig& config = flags->config;
  // Block the termination signals in every thread; this thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto service = svc::Service::Create(config);
  if (!service.ok()) {
    spdlog::error("allot serve: {}", service.status().ToString());
    return 1;
  }
  if (Status s = (*service)->Start(); !s.ok()) {
    spdlog::error("allot serve: {}", s.ToString());
    return 1;
  }
  spdlog::info("allot serve: listening on port {} ({} mode)", (*service)->port(), (*service)->demo() ? "demo" : "cluster");
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("allot serve: signal {}, shutting down", received);
  (*service)->Stop();
  return 0;
}

}  // namespace

ALLOT_REGISTER_COMMAND("serve", "run the scheduler extender (filter/prioritize/bind) and metrics", RunServe);

}  // namespace allot::cli
