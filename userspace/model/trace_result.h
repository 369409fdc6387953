// Everything one `zctrace trace` produced: what was traced, how it ended,
// the probes, the event bookkeeping, the program's account and the
// descriptor flows. Serialised by export/trace_json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account.h"
#include "observation.h"

namespace zc {

struct TraceResult : Observation {
  std::string target;             // "command: ls -l" or "pid 1234 (nginx)"
  std::uint32_t pid = 0;          // the command's or the process's pid
  std::optional<int> exit_status; // the command's, when it exited
  std::optional<int> exit_signal; // the signal that ended it, if one did
  std::uint64_t wall_ns = 0;      // how long zctrace traced
  bool partial = false;           // the trace ended before it was meant to
  std::string partial_reason;     // why, when partial
  Account account;                // role "program": the target and every process it started
};

} // namespace zc
