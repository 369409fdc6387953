// CPU time, faults and scheduler switches of a process over a window: what a
// workload reports about itself (wait4 rusage minus a baseline taken before
// its start), beside what the probes saw.
#pragma once

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

} // namespace zc
