// One traced run of a copy method, end to end: fork the gated source and
// sink, load and attach the probes, register the two processes, open the
// gate, stream events until both exit, read the counters, and build the
// accounts. Everything is detached and cleaned up when it returns or throws.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kernel_features.h"
#include "page_cache.h"
#include "probe_set.h"
#include "run_result.h"
#include "workload.h"

namespace zc {

struct RunRequest {
  std::string method;
  std::uint64_t size = 64ull << 20;
  std::uint64_t chunk = 64ull << 10;
  workloads::CacheMode cache = workloads::CacheMode::Warm;
  std::string dir = "/var/tmp";
  // "xfs", "btrfs" or "ext4": the files live on a filesystem of that type
  // made for the run (workloads/plumbing/scratch_fs.h), not in `dir`.
  std::string fs;
  std::uint64_t seed = 1;
  std::string address = "127.0.0.1"; // where the sink listens
  std::string sink_netns;            // network namespace of the sink, if not ours
  // Route over a veth pair the run creates, with scatter-gather on or off
  // (replaces address and sink_netns); unset: as address and sink_netns say.
  std::optional<bool> scatter_gather;
  bool io_wq = false;    // io_uring methods: every request through io-wq workers
  bool uncached = false; // read_write: preadv2 with RWF_DONTCACHE
  bool lease = false;    // mmap_truncate: the source holds a read lease (F_SETLEASE)
  workloads::SinkMode sink = workloads::SinkMode::Read; // how the sink consumes the stream
  double timeout_s = 300;
  ProbeSetOptions probes;
  // Called once the probes are attached, just before the transfer starts.
  std::function<void(const std::vector<ProbeReport> &)> on_attached;
};

// A request for `method` moving `size` bytes in `chunk`-byte calls with the
// page cache "warm" or "cold"; the rest at its defaults.
RunRequest make_request(const std::string &method, std::uint64_t size, std::uint64_t chunk,
                        const std::string &cache);

// Called for every streamed event, in order of arrival.
using EventSink = std::function<void(const zc_event &)>;

RunResult run_traced(const RunRequest &request, Features &features, const EventSink &on_event = {});

// The same transfer with no probe loaded at all: its wall time and CPU
// time. Throws when the sink did not receive the file intact.
TimedPass run_untraced(const RunRequest &request);

std::string cache_mode_name(workloads::CacheMode mode);

// Throws, with the exit status it calls for, when the run failed: a process
// of it died of a signal (1, naming its role and the signal), or the sink did
// not receive the file intact (kExitIntegrity).
void require_success(const RunResult &run);

// Throws UsageError when the request's parameters or conditions do not suit
// its method, Unavailable when the method cannot run on this kernel; both
// with one line saying why. run_traced and run_untraced call it first.
void check_request(const RunRequest &request);

} // namespace zc
