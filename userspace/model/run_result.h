// Everything one `zctrace run` produced: what every session leaves
// (observation.h), the parameters, the integrity check and the two
// accounts. Serialised by export/run_json.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "account.h"
#include "observation.h"
#include "timing.h"

namespace zc {

// The filesystem --fs made for a run: an unnamed image on a loop device,
// mounted nowhere, removed with the run.
struct ScratchFsParams {
  std::string type; // "xfs", "btrfs", "ext4"
  std::uint64_t image_bytes = 0;
  std::string image_folder; // where the unnamed image was
  std::string loop_device;
  std::string mkfs_command; // as run
};

struct RunParams {
  std::string method;
  std::uint64_t size = 0;
  std::uint64_t chunk = 0;
  std::string cache;      // "warm" or "cold"
  std::string dir;        // empty when the files lived on `fs`, which has no path
  std::string filesystem; // of the files, e.g. "ext4"
  std::uint64_t seed = 0;
  std::string address;    // where the sink listened
  std::string sink_netns; // empty: the sink shared zctrace's network namespace
  std::string route;      // "loopback", "veth, scatter-gather off", ...
  // Whether the route offers scatter-gather: lo does, a veth the run made as
  // told; unknown for other routes.
  std::optional<bool> scatter_gather;
  bool io_wq = false;        // io_uring requests forced through io-wq workers
  bool uncached = false;     // the file read with RWF_DONTCACHE (--uncached)
  bool lease = false;        // the source held a read lease on the file (--lease on)
  std::string sink = "read"; // how the sink consumed the stream (--sink)
  // Kernel settings the method needed for the run (restored after).
  std::vector<std::string> kernel_settings;
  std::optional<ScratchFsParams> fs; // set by --fs
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
  std::uint64_t resident_after = 0;  // and once both processes had ended (mincore)
};

// The file a method wrote (copy_file_range's destination), read by FIEMAP
// once the run was over: how much of it shares extents with the data file.
struct DestinationReport {
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> shared_bytes; // unset: why_not
  std::string why_not;
};

// A process of the run that a signal ended: a workload side, or a helper
// one of them started. Any such death fails the run.
struct ProcessDeath {
  std::string role; // "source", "sink", "source's child", ...
  std::uint32_t pid = 0;
  int signal = 0;
  bool core_dumped = false;
};

struct RunResult : Observation {
  RunParams params;
  IntegrityReport integrity;
  std::vector<ProcessDeath> deaths;
  CacheReport cache;
  std::optional<DestinationReport> destination; // methods that write a file
  // The role of each process by pid (descriptor flows are per process).
  std::map<std::uint32_t, std::string> process_roles;
  Account source;
  Account sink;
  Count transfer_wall_ns;       // source start to sink end
  Ratio throughput_bytes_per_s; // payload / transfer_wall_ns
  // Throughput and CPU time timed apart, with no probe loaded (run --repeat).
  std::optional<Timing> timed;
  // zctrace's own time: loading and attaching the probes, and the whole run.
  std::uint64_t attach_ns = 0;
  std::uint64_t total_ns = 0;
};

} // namespace zc
