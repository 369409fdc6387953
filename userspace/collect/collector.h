// The collector: joins the kernel's aggregated counters, the probes that
// produced them and what the workload processes report about themselves into
// one account per role. Pure user-space logic, tested without a kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account.h"
#include "counters.h"
#include "observation.h"
#include "probe_report.h"
#include "process_usage.h"

namespace zc {

// A figure the kernel told the workload, with what it means.
struct ReportedFigure {
  std::string name; // "zerocopy.copied_bytes"
  std::uint64_t value = 0;
  std::string meaning;
};

struct ProcessObservation {
  std::optional<std::int64_t> wall_ns; // the process's own CLOCK_MONOTONIC span
  std::optional<ProcessUsage> usage;   // wait4 rusage minus the pre-start baseline
  std::optional<ProcessIo> io;         // /proc/PID/io when it ended
  // What the kernel told the workload (MSG_ZEROCOPY completions, io_uring
  // CQEs, TCP_ZEROCOPY_RECEIVE results), by name: "zerocopy.copied_bytes".
  std::vector<ReportedFigure> reported;
};

Account build_account(std::uint8_t role, const RawCounters &counters, const ProbeIndex &probes,
                      const ProcessObservation &process, std::uint64_t payload_bytes);

StreamStats stream_stats(const RawCounters &counters, std::uint64_t received);

// Fills what every session observes (observation.h) from the counters:
// the event bookkeeping, the updates lost, each program's misses, the
// flows, and what moved for no role (payload with no owner, DMA outside
// any target's context, receive buffers, unknown devices). `o.probes` must
// be set.
// What the probes cost, from the programs' run statistics.
Overhead overhead_of(const RawCounters &counters);

void observe(Observation &o, const RawCounters &counters, std::uint64_t events_received,
             std::uint64_t payload_bytes);

} // namespace zc
