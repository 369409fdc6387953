// What every session (a run of a workload, a trace of a program) leaves
// besides its accounts: the kernel, the probes and what became of them, the
// event stream's bookkeeping and every update the BPF side could not make,
// each program's own runs and misses, the descriptor flows, and what moved
// for no role. Nothing is dropped silently: what could not be counted is
// counted here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account.h"
#include "counters.h"
#include "probe_report.h"

namespace zc {

struct KernelInfo {
  std::string release; // uname -r
  std::string version; // uname -v
  std::string machine; // uname -m
};

KernelInfo running_kernel();

// Updates the BPF side could not make (map full, lookup failed), by kind.
struct UpdatesLost {
  std::uint64_t counter_updates = 0;
  std::uint64_t owner_records = 0;
  std::uint64_t task_contexts = 0;
  std::uint64_t fault_lookups = 0; // write faults whose mapping was not found
  // Writes whose buffer's mapping could not be looked up (mmap_lock busy):
  // mmap+write or not undecided for them.
  std::uint64_t buffer_lookups = 0;
  std::uint64_t flows = 0;
  std::uint64_t devices = 0;
  std::uint64_t processes = 0; // forked children zc_targets could not hold: not followed

  std::uint64_t total() const {
    return counter_updates + owner_records + task_contexts + fault_lookups + buffer_lookups +
           flows + devices + processes;
  }
};

// What the probes saw that no role owns.
struct Unattributed {
  // Storage and NIC-transmit DMA mappings made outside any target's
  // context or transmit window.
  Count dma_mapped_bytes;
  // Receive buffers NIC drivers posted for their devices to fill: mapped
  // before any packet is in them, in whatever context refills the ring, so
  // they belong to no socket when they are mapped.
  Count receive_buffer_dma_bytes;
  // Mappings for devices that serve no disk and no NIC zctrace saw.
  Count unknown_device_dma_bytes;
  std::vector<DeviceRow> by_device;
  std::vector<SiteRow> payload; // payload moved for no target that could be found
};

// What the probes cost, from the kernel's own run statistics: every
// program's run time summed, against the syscalls of the traced processes.
// The sum includes the runs for processes not traced (their one check).
struct Overhead {
  bool measured = false;
  std::string why_not; // when not measured
  std::uint64_t program_runs = 0;
  std::uint64_t run_time_ns = 0;
  std::uint64_t traced_syscalls = 0;
  // run_time_ns / traced_syscalls; absent without stats or syscalls
  std::optional<double> ns_per_traced_syscall;
};

struct Observation {
  KernelInfo kernel;
  std::vector<ProbeReport> probes;
  StreamStats events;
  UpdatesLost lost;
  // Each attached program's runs, time and recursion misses; the misses
  // summed: events a probe never saw because it was already running on
  // that CPU when they happened.
  std::vector<ProgramStat> programs;
  std::uint64_t probe_runs_missed = 0;
  Overhead overhead;
  std::vector<FlowSample> flows;
  Unattributed unattributed;
};

} // namespace zc
