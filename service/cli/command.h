// The `allot` command-line: a table of subcommands that register themselves.
//
// Each subcommand lives in its own file under service/cli/ and registers with
//   ALLOT_REGISTER_COMMAND("conformance cel", "run CEL vector files", RunConformanceCel);
// The executable compiles every service/cli/*.cc directly (not through a static
// library), so static registration cannot be dropped by the linker.
//
// A command receives the arguments after its name and returns the process exit code.
// Thread safety: registration happens during static initialisation only.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace allot::cli {

using CommandFn = std::function<int(const std::vector<std::string>& args)>;

struct Command {
  std::string name;     // one or more words, e.g. "serve" or "conformance cel"
  std::string summary;  // one line for `allot help`
  CommandFn run;
};

// Returns the registry (function-local static, safe during static init).
std::vector<Command>& Registry();

struct Registrar {
  Registrar(std::string name, std::string summary, CommandFn run);
};

}  // namespace allot::cli

#define ALLOT_CLI_CONCAT_INNER_(a, b) a##b
#define ALLOT_CLI_CONCAT_(a, b) ALLOT_CLI_CONCAT_INNER_(a, b)
#define ALLOT_REGISTER_COMMAND(name, summary, fn) \
  static ::allot::cli::Registrar ALLOT_CLI_CONCAT_(allot_cli_registrar_, __LINE__)(name, summary, fn)
