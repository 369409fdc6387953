// Everything one `zctrace trace` produced: what was traced and every
// process followed, how it ended, the probes, the event bookkeeping, the
// program's account and the descriptor flows. Serialised by
// export/trace_json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account.h"
#include "observation.h"

namespace zc {

// A process the trace followed.
struct FollowedProcess {
  std::uint32_t pid = 0;
  std::uint32_t ppid = 0;  // the followed process it was forked from; 0 for a root
  std::string name;        // comm, as of its last exec
  std::uint32_t execs = 0; // programs it ran while followed
  std::string how;         // "command", "--pid", "running child of N", "forked"
};

struct TraceResult : Observation {
  std::string target;               // "command: ls -l" or "pid 1234 (nginx)"
  std::vector<std::uint32_t> roots; // the command's pid, or the --pid processes
  std::vector<FollowedProcess> followed;
  std::string containment;        // how the command's tree was kept together
  std::optional<int> exit_status; // the command's, when it exited
  std::optional<int> exit_signal; // the signal that ended it, if one did
  bool command_finished = false;  // the command ran to its own end
  std::string ended;              // how the trace ended, in words
  std::uint64_t wall_ns = 0;      // how long zctrace traced
  bool partial = false;           // the trace ended before it was meant to
  std::string partial_reason;     // why, when partial
  Account account;                // role "program": every process followed
};

} // namespace zc
