// What the BPF programs leave in their maps, as user space reads it back:
// the aggregated counters (per-CPU values summed), the descriptor flows,
// the health slots, and the ring buffer's bookkeeping. Also the names of the
// roles and event kinds of bpf/zctrace.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bpf_abi.h"

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

// Bytes one device moved or had mapped for one role (zc_dev_counters).
struct DeviceSample {
  zc_dev_key key{};
  zc_counter_val val{};
};

// One loaded BPF program's own bookkeeping, from the kernel (bpf_prog_info):
// how often it ran and for how long (counted while kernel.bpf_stats_enabled
// is on), and how often the kernel skipped it because it was already
// running on that CPU (an interrupt arriving during it): each skipped run is
// an event the program never saw.
struct ProgramStat {
  std::string name;
  std::uint64_t run_count = 0;
  std::uint64_t run_time_ns = 0;
  std::uint64_t recursion_misses = 0;
};

// Everything read back from the maps after a run (per-CPU values summed).
struct RawCounters {
  std::vector<CounterSample> samples;
  std::uint64_t counters_full = 0;  // counter updates that found the map full
  std::uint64_t owners_full = 0;    // owners that could not be recorded
  std::uint64_t tasks_full = 0;     // thread contexts that could not be created
  std::uint64_t vma_unknown = 0;    // write faults whose mapping could not be looked up
  std::uint64_t buffer_unknown = 0; // writes whose buffer's mapping could not be looked up
  std::vector<FlowSample> flows;
  std::uint64_t flows_full = 0; // descriptor flows that could not be recorded
  std::vector<DeviceSample> devices;
  std::map<std::uint64_t, zc_device> device_info; // by kernel address (zc_devices)
  std::uint64_t devices_full = 0;                 // device counters or names not recorded
  std::uint64_t targets_full = 0;                 // forked processes the probes could not follow
  std::vector<ProgramStat> programs;
  bool streamed = false; // events went through the ring buffer (only when consumed)
  // Whether the kernel timed every program run (BPF_ENABLE_STATS held for
  // the session); why not, when not.
  bool run_stats = false;
  std::string run_stats_missing;

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

// Ring-buffer bookkeeping of a run: what BPF submitted, what the collector
// received, what the ring buffer had no room for (by event kind).
struct StreamStats {
  bool enabled = false; // streamed at all: only when something consumed them (--trace)
  std::uint64_t submitted = 0;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::vector<std::pair<std::string, std::uint64_t>> lost_by_kind;
};

std::string role_name(std::uint8_t role);        // "source", "sink", "unattributed"
std::string event_kind_name(std::uint16_t kind); // "syscall", "payload", ...

} // namespace zc
