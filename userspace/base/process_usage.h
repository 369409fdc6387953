// CPU time, faults and scheduler switches of a process over a window: what a
// process costs by the kernel's own per-process accounting (wait4 rusage,
// /proc/PID/stat and status), beside what the probes saw.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace zc {

struct ProcessUsage {
  std::uint64_t user_ns = 0;
  std::uint64_t sys_ns = 0;
  std::uint64_t minor_faults = 0;
  std::uint64_t major_faults = 0;
  std::uint64_t voluntary_switches = 0;
  std::uint64_t involuntary_switches = 0;
};

// The kernel's own I/O accounting of a process (/proc/PID/io): bytes it
// had read from and written to storage (read_bytes counts the read bios it
// submitted, write_bytes the pages it dirtied), and its read and write
// syscalls (syscr/syscw: read, readv, sendfile's read side, ...).
struct ProcessIo {
  std::uint64_t rchar = 0;
  std::uint64_t wchar = 0;
  std::uint64_t syscr = 0;
  std::uint64_t syscw = 0;
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
};

// A process's /proc/PID/io: readable until it is reaped (a zombie's too);
// nothing once it is gone.
std::optional<ProcessIo> proc_io(pid_t pid);

// What wait4() (or getrusage()) reported.
ProcessUsage usage_of(const rusage &ru);

// A live process's usage so far, from /proc (zeros for one that is gone).
ProcessUsage proc_usage(pid_t pid);

// `now` minus `baseline`, field by field (never below zero).
ProcessUsage usage_since(const ProcessUsage &now, const ProcessUsage &baseline);

} // namespace zc
