#include "service/kubectl/plugin.h"

#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "service/kubectl/allot_endpoint.h"
#include "service/kubectl/answer_tables.h"
#include "service/kubectl/simulate_body.h"
#include "service/kubectl/yaml_output.h"
#include "service/watch/kubeconfig.h"

namespace allot::svc::kubectl {
namespace {

using Json = nlohmann::json;

struct Request {
  std::string method;
  std::string route;
  std::string body;
};

StatusOr<Request> BuildRequest(const PluginOptions& o, const std::string& ns) {
  if (o.command == "inventory") {
    std::string query;
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"driver", &o.driver},
                                     {"pool", &o.pool}, {"node", &o.node}, {"class", &o.device_class}}) {
      if (value->empty()) continue;
      query += (query.empty() ? "?" : "&") + std::string(key) + "=" + UrlEncode(*value);
    }
    return Request{"GET", "/api/v1/inventory" + query, ""};
  }
  if (o.command == "explain") {
    Json body = {{"podRef", {{"namespace", ns}, {"name", o.pod_name}}}};
    if (!o.nodes.empty()) body["nodes"] = o.nodes;
    return Request{"POST", "/api/v1/explain", body.dump()};
  }
  // simulate
  std::string text;
  if (o.file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto read = ReadFileToString(o.file);
    if (!read.ok()) return NotFoundError(o.file + ": cannot read the file");
    text = std::move(read).value();
  }
  auto body = BuildSimulateBody(text, ns, o.replicas, o.nodes);
  if (!body.ok()) {
    return InvalidArgumentError((o.file == "-" ? "standard input" : o.file) + ": " +
                                std::string(body.status().message()));
  }
  return Request{"POST", "/api/v1/simulate", body->dump()};
}

// The message of a non-2xx answer: allot's {"error": …}, the API server's Status message, or the raw body.
std::string ErrorMessage(const AllotReply& reply, const Request& request) {
  Json parsed = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  std::string message;
  std::string from = "allot";
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    message = parsed["error"].get<std::string>();
  } else if (parsed.is_object() && parsed.value("kind", "") == "Status") {
    from = "the API server";
    message = parsed.value("message", "");
    if (std::string reason = parsed.value("reason", ""); !reason.empty()) message = reason + ": " + message;
  } else {
    message = reply.body.substr(0, 300);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  }
  std::string route = request.route.substr(0, request.route.find('?'));
  std::string text = message + " (HTTP " + std::to_string(reply.status) + " from " + from + ")";
  if (reply.status == 404 && message.rfind("no route for ", 0) == 0) {
    text += "; this allot does not serve " + request.method + " " + route + " (it is older than the plugin)";
  }
  return text;
}

}  // namespace

int RunPlugin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto options = ParsePluginArgs(args);
  if (!options.ok()) {
    err << "error: " << options.status().message() << "\n";
    return 1;
  }
  if (options->command == "help") {
    out << PluginUsage();
    return 0;
  }
  auto endpoint = AllotEndpoint::Create(*options);
  if (!endpoint.ok()) {
    err << "error: " << endpoint.status().message() << "\n";
    return 1;
  }
  auto request = BuildRequest(*options, (*endpoint)->default_namespace());
  if (!request.ok()) {
    err << "error: " << request.status().message() << "\n";
    return 1;
  }
  auto reply = (*endpoint)->Call(request->method, request->route, request->body);
  if (!reply.ok()) {
    err << "error: " << reply.status().message() << "\n";
    return 1;
  }
  if (reply->status < 200 || reply->status >= 300) {
    err << "error: " << ErrorMessage(*reply, *request) << "\n";
    return 1;
  }
  Json answer = Json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    err << "error: allot's answer is not JSON: " << reply->body.substr(0, 200) << "\n";
    return 1;
  }
  switch (options->output) {
    case OutputFormat::kJson:
      out << answer.dump(2) << "\n";
      break;
    case OutputFormat::kYaml:
      out << JsonToYaml(answer);
      break;
    case OutputFormat::kTable:
      if (options->command == "inventory") {
        out << InventoryTables(answer);
      } else if (options->command == "explain") {
        out << ExplainTable(answer);
      } else {
        out << SimulateTable(answer, options->replicas);
      }
      break;
  }
  return 0;
}

}  // namespace allot::svc::kubectl
