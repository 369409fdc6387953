// Everything one `zctrace run` produced: parameters, integrity, probes, event
// bookkeeping and the two accounts. Serialised by run_json.
#pragma once

#include <cstdint>
#include <map>
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

struct RunParams {
  std::string method;
  std::uint64_t size = 0;
  std::uint64_t chunk = 0;
  std::string cache; // "warm" or "cold"
  std::string dir;
  std::string filesystem; // of dir, e.g. "ext4"
  std::uint64_t seed = 0;
  std::string address;    // where the sink listened
  std::string sink_netns; // empty: the sink shared zctrace's network namespace
  std::string route;      // "loopback", "veth, scatter-gather off", ...
  // Whether the route offers scatter-gather: lo does, a veth the run made as
  // told; unknown for other routes.
  std::optional<bool> scatter_gather;
  bool io_wq = false; // io_uring requests forced through io-wq workers
  // Kernel settings the method needed for the run (restored after).
  std::vector<std::string> kernel_settings;
};

struct IntegrityReport {
  bool ok = false;
  std::uint64_t expected_bytes = 0;
  std::uint64_t received_bytes = 0;
  std::uint32_t expected_crc32c = 0;
  std::uint32_t received_crc32c = 0;
  std::string error; // empty when ok
};

struct CacheReport {
  std::uint64_t file_pages = 0;
  std::uint64_t resident_before = 0; // pages of the file in the page cache at the start
};

struct RunResult {
  KernelInfo kernel;
  RunParams params;
  IntegrityReport integrity;
  CacheReport cache;
  StreamStats events;
  std::uint64_t counter_updates_lost = 0;
  std::uint64_t owner_records_lost = 0;
  std::uint64_t task_contexts_lost = 0;
  std::uint64_t fault_lookups_failed = 0; // write faults whose mapping was not found
  std::vector<ProbeReport> probes;
  // Data-moving syscalls by descriptor (which method each process used),
  // the role of each process by pid, and flows that could not be recorded.
  std::vector<FlowSample> flows;
  std::map<std::uint32_t, std::string> process_roles;
  std::uint64_t flows_lost = 0;
  Account source;
  Account sink;
  Count unattributed_dma_bytes;
  std::vector<SiteRow> unattributed_payload; // moved for no workload that could be found
  Count transfer_wall_ns;                    // source start to sink end
  Ratio throughput_bytes_per_s;              // payload / transfer_wall_ns
  // zctrace's own time: loading and attaching the probes, and the whole run.
  std::uint64_t attach_ns = 0;
  std::uint64_t total_ns = 0;
};

} // namespace zc
