// allot: the executable. Dispatches to the subcommands registered in service/cli/.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "service/cli/command.h"
#include "service/kubectl/plugin.h"

namespace allot::cli {

std::vector<Command>& Registry() {
  static std::vector<Command> commands;
  return commands;
}

Registrar::Registrar(std::string name, std::string summary, CommandFn run) {
  Registry().push_back(Command{std::move(name), std::move(summary), std::move(run)});
}

namespace {

void PrintHelp() {
  std::printf(
      "allot: Kubernetes DRA device allocator and kube-scheduler extender\n\n"
      "Usage: allot <command> [flags]\n\nCommands:\n");
  auto commands = Registry();
  std::sort(commands.begin(), commands.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  for (const auto& c : commands) std::printf("  %-24s %s\n", c.name.c_str(), c.summary.c_str());
  std::printf("\nRun 'allot <command> --help' for the flags of one command.\n");
}

// Finds the longest registered name that prefixes argv.
const Command* Match(const std::vector<std::string>& args, size_t* consumed) {
  const Command* best = nullptr;
  size_t best_words = 0;
  for (const auto& c : Registry()) {
    std::vector<std::string> words;
    size_t start = 0;
    while (start <= c.name.size()) {
      size_t sp = c.name.find(' ', start);
      if (sp == std::string::npos) sp = c.name.size();
      words.push_back(c.name.substr(start, sp - start));
      start = sp + 1;
    }
    if (words.size() > args.size() || words.size() <= best_words) continue;
    if (std::equal(words.begin(), words.end(), args.begin())) {
      best = &c;
      best_words = words.size();
    }
  }
  *consumed = best_words;
  return best;
}

}  // namespace
}  // namespace allot::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Run as kubectl-allot (the plugin's symlink, what `kubectl allot` executes): the plugin, nothing else.
  if (argc > 0 && std::filesystem::path(argv[0]).filename() == "kubectl-allot") {
    return allot::svc::kubectl::RunPlugin(args, std::cout, std::cerr);
  }
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    allot::cli::PrintHelp();
    return args.empty() ? 2 : 0;
  }
  size_t consumed = 0;
  const allot::cli::Command* cmd = allot::cli::Match(args, &consumed);
  if (cmd == nullptr) {
    std::fprintf(stderr, "allot: unknown command '%s'\n\n", args[0].c_str());
    allot::cli::PrintHelp();
    return 2;
  }
  return cmd->run(std::vector<std::string>(args.begin() + static_cast<long>(consumed), args.end()));
}
