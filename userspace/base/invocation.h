// How this zctrace process was started: its command line and start time,
// with the zctrace, host and kernel it ran on. Every JSON document carries
// it (produced_by), so that a figure in a paper can be traced to its run.
#pragma once

#include <nlohmann/json.hpp>

namespace zc {

// Called once by main, first.
void record_invocation(int argc, const char *const *argv);

// {zctrace, git, command_line, started_at (UTC, ISO 8601), host, kernel}.
nlohmann::json invocation_json();

} // namespace zc
