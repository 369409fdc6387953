// The collector: joins the kernel's aggregated counters, the probes that
// produced them and what the workload processes report about themselves into
// one account per role. Pure user-space logic, tested without a kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "account.h"
#include "bpf_abi.h"
#include "probe_report.h"
#include "process_usage.h"

namespace zc {

struct CounterSample {
  zc_counter_key key{};
  zc_counter_val val{};
};

// One descriptor flow: a syscall of a process moving data between two
// descriptors (zc_flows).
struct FlowSample {
  zc_flow_key key{};
  zc_flow_val val{};
};

// Everything read back from the maps after a run (per-CPU values summed).
struct RawCounters {
  std::vector<CounterSample> samples;
  std::uint64_t counters_full = 0; // counter updates that found the map full
  std::uint64_t owners_full = 0;   // owners that could not be recorded
  std::uint64_t tasks_full = 0;    // thread contexts that could not be created
  std::uint64_t vma_unknown = 0;   // write faults whose mapping could not be looked up
  std::vector<FlowSample> flows;
  std::uint64_t flows_full = 0; // descriptor flows that could not be recorded

  // Sum of count and bytes of every sample matching the filter.
  template <typename Pred> zc_counter_val sum(Pred &&pred) const {
    zc_counter_val total{};
    for (const auto &s : samples)
      if (pred(s.key)) {
        total.count += s.val.count;
        total.bytes += s.val.bytes;
      }
    return total;
  }
};

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

// Ring-buffer bookkeeping of a run: what BPF submitted, what the collector
// received, what the ring buffer had no room for (by event kind).
struct StreamStats {
  std::uint64_t submitted = 0;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::vector<std::pair<std::string, std::uint64_t>> lost_by_kind;
};

StreamStats stream_stats(const RawCounters &counters, std::uint64_t received);

// Payload moved where no workload could be found to own it (a deferred
// copy of an skb whose socket was never seen): reported, never dropped.
std::vector<SiteRow> unattributed_payload(const RawCounters &counters, const ProbeIndex &probes,
                                          std::uint64_t payload_bytes);

// Device work no target could be found for (DMA mapped outside any target's
// context or transmit window).
Count unattributed_dma(const RawCounters &counters, const ProbeIndex &probes);

std::string role_name(std::uint8_t role);
std::string event_kind_name(std::uint16_t kind);

} // namespace zc
