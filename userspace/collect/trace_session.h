// Tracing programs zctrace does not own: a command it starts (its whole
// tree: children, threads, daemons), or running processes by pid (each
// with every thread and every descendant, those that exist when zctrace
// attaches and those that appear later), for a while. The same probes and
// accounts as a run, with no payload to check: the program's data is its
// own.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernel_features.h"
#include "probe_set.h"
#include "run_session.h"
#include "trace_result.h"

namespace zc {

struct TraceRequest {
  std::vector<std::string> command; // run this (argv), or
  std::vector<pid_t> pids;          // attach to these processes
  std::optional<double> duration_s; // stop after this long (required with pids)
  std::optional<std::string> user;  // run the command as this user
  double grace_s = 2;               // SIGTERM to SIGKILL when ending the command's tree
  ProbeSetOptions probes;
  // Called once the probes are attached, before the command starts.
  std::function<void(const std::vector<ProbeReport> &)> on_attached;
};

// Throws UsageError for bad input, before anything is started or loaded: a
// command or user that does not exist, a pid that does not, a kernel thread,
// zctrace itself, no command and no pid, a pid without a duration.
void check_trace_request(const TraceRequest &request);

// A trace ends when the command exits (its own status is kept), when the
// duration is over (its tree is then ended: SIGTERM, SIGKILL after the
// grace period), when zctrace is interrupted (Ctrl-C, SIGTERM, SIGHUP:
// likewise), or when every traced process has exited before the duration
// (then `partial`).
TraceResult trace_program(const TraceRequest &request, Features &features,
                          const EventSink &on_event = {});

// The status a trace exits with: the command's own when it ran to its end
// (128 + the signal that ended it), else 0.
int trace_exit_status(const TraceResult &trace);

} // namespace zc
