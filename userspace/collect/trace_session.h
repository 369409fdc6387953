// Tracing a program zctrace does not own: a command it starts (children and
// threads included) or a running process by pid, for a while. The same
// probes and accounts as a run, with no payload to check: the program's data
// is its own.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernel_features.h"
#include "probe_set.h"
#include "run_result.h"
#include "run_session.h"
#include "trace_result.h"

namespace zc {

struct TraceRequest {
  std::vector<std::string> command; // run this (argv), or
  std::optional<pid_t> pid;         // attach to this process
  std::optional<double> duration_s; // stop after this long (required with pid)
  ProbeSetOptions probes;
  // Called once the probes are attached, before the command starts.
  std::function<void(const std::vector<ProbeReport> &)> on_attached;
};

// Throws UsageError for a command that does not exist or a pid that does
// not; a process that exits before the duration is over ends the trace
// early with `partial` set (the caller decides the exit status).
TraceResult trace_program(const TraceRequest &request, Features &features,
                          const EventSink &on_event = {});

// The pid's process (tgid) and name, or UsageError when there is none.
std::pair<pid_t, std::string> find_process(pid_t pid);

// The executable `name` resolves to through PATH, or UsageError.
std::string resolve_command(const std::string &name);

} // namespace zc
