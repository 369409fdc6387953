// The manual page and the bash completion, made from the parser itself so
// that they list every subcommand and option there is (the build writes
// them with `zctrace --help-man` and `zctrace --bash-completion`).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace zc {

// zctrace(1) in roff: every subcommand with its options and defaults, and
// the exit statuses.
std::string man_page(const CLI::App &app, const std::string &exit_statuses);

// A bash completion script: subcommands, their options, method names and
// file names where those are what an option takes.
std::string bash_completion(const CLI::App &app, const std::vector<std::string> &methods);

} // namespace zc
