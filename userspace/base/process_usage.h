// CPU time, faults and scheduler switches of a process over a window: what a
// process costs by the kernel's own per-process accounting (wait4 rusage,
// /proc/PID/stat and status), beside what the probes saw.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>

namespace zc {

struct ProcessUsage {
  std::uint64_t user_ns = 0;
  std::uint64_t sys_ns = 0;
  std::uint64_t minor_faults = 0;
  std::uint64_t major_faults = 0;
  std::uint64_t voluntary_switches = 0;
  std::uint64_t involuntary_switches = 0;
};

// What wait4() (or getrusage()) reported.
ProcessUsage usage_of(const rusage &ru);

// A live process's usage so far, from /proc (zeros for one that is gone).
ProcessUsage proc_usage(pid_t pid);

// `now` minus `baseline`, field by field (never below zero).
ProcessUsage usage_since(const ProcessUsage &now, const ProcessUsage &baseline);

} // namespace zc
