// Everything one `zctrace trace` produced: what was traced, how it ended,
// the probes, the event bookkeeping, the program's account and the
// descriptor flows. Serialised by analysis/trace_report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account.h"
#include "counters.h"
#include "probe_report.h"
#include "run_result.h"

namespace zc {

struct TraceResult {
  KernelInfo kernel;
  std::string target;             // "command: ls -l" or "pid 1234 (nginx)"
  std::uint32_t pid = 0;          // the command's or the process's pid
  std::optional<int> exit_status; // the command's, when it exited
  std::optional<int> exit_signal; // the signal that ended it, if one did
  std::uint64_t wall_ns = 0;      // how long zctrace traced
  bool partial = false;           // the trace ended before it was meant to
  std::string partial_reason;     // why, when partial
  StreamStats events;
  std::uint64_t counter_updates_lost = 0;
  std::uint64_t owner_records_lost = 0;
  std::uint64_t task_contexts_lost = 0;
  std::uint64_t flows_lost = 0;
  std::vector<ProbeReport> probes;
  Account account; // role "program": the target and every process it started
  std::vector<FlowSample> flows;
  Count unattributed_dma_bytes;
};

} // namespace zc
