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
  // What the kernel told the workload (MSG_ZEROCOPY completions, io_uring
  // CQEs, TCP_ZEROCOPY_RECEIVE results), by name: "zerocopy.copied_bytes".
  std::vector<ReportedFigure> reported;
};

Account build_account(std::uint8_t role, const RawCounters &counters, const ProbeIndex &probes,
                      const ProcessObservation &process, std::uint64_t payload_bytes);

StreamStats stream_stats(const RawCounters &counters, std::uint64_t received);

// Payload moved where no workload could be found to own it (a deferred
// copy of an skb whose socket was never seen): reported, never dropped.
std::vector<SiteRow> unattributed_payload(const RawCounters &counters, const ProbeIndex &probes,
                                          std::uint64_t payload_bytes);

// Device work no target could be found for (DMA mapped outside any target's
// context or transmit window).
Count unattributed_dma(const RawCounters &counters, const ProbeIndex &probes);

} // namespace zc
