// The probes of a run, loaded and attached: every family in one BPF object
// (bpf/probes.bpf.c), or, where the kernel refuses it, one object per family
// with the shared maps created once and handed to every family; the program
// of each probe chosen among its alternatives by what Features found this
// kernel accepts. Destroying the ProbeSet detaches and unloads everything.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bpf_abi.h"
#include "counters.h"
#include "kernel_features.h"
#include "probe_report.h"
#include "processes.h"

namespace zc {

// A file as the BPF programs see it: st_ino, and st_dev in the kernel's own
// encoding (MKDEV: major << 20 | minor), as read from the superblock.
struct KernelFileId {
  std::uint32_t dev = 0;
  std::uint64_t ino = 0;
};

struct ProbeSetOptions {
  // Events go through the ring buffer only when something consumes them
  // (--trace): otherwise nothing is reserved or submitted.
  bool stream_events = false;
  // Hold kernel.bpf_stats_enabled for the session (BPF_ENABLE_STATS), so
  // that every program run is timed and the session can say what watching
  // cost. It costs two clock reads per program run itself.
  bool run_stats = true;
  std::uint64_t ringbuf_bytes = 4 << 20;
  // Probe names ("copies:tcp_sendmsg_locked") or attach points
  // ("fentry:tcp_sendmsg_locked") that must attach, or the run fails.
  std::vector<std::string> require;
  // The payload file: copy-on-write of its private mappings is payload.
  KernelFileId payload_file;
};

// Decides, for every probe of the catalog, which alternative this kernel
// takes, without loading anything but Features' minimal probes. Throws
// UsageError for an unknown name in `require`, Error for a required probe
// this kernel cannot take.
std::vector<ProbeReport> plan_probes(Features &features, const std::vector<std::string> &require);

class ProbeSet {
public:
  using EventHandler = std::function<void(const zc_event &)>;

  ProbeSet(Features &features, const ProbeSetOptions &options);
  ~ProbeSet();
  ProbeSet(const ProbeSet &) = delete;
  ProbeSet &operator=(const ProbeSet &) = delete;

  const std::vector<ProbeReport> &reports() const;

  // `descendant`: found already running below a registered process; its
  // parent is recorded as for one forked while traced.
  void add_target(pid_t tgid, std::uint8_t role, bool follow_children, bool descendant = false);
  void clear_targets();
  // From now on: the programs' runs, time and misses read_counters() gives
  // are counted from here (the session's work, not the set-up before it).
  void mark_start();
  // Every process the probes followed (registered, or forked from one that
  // was), by tgid, with what the targets map kept of it.
  std::vector<std::pair<std::uint32_t, zc_target>> targets() const;

  // Delivers streamed events to `handler`; waits up to timeout_ms for some.
  // Waits up to timeout_ms for events (handing each to `handler`) or for
  // any of the processes `exits` watches to exit; not at all when every
  // one of them already has.
  void poll_events(int timeout_ms, const EventHandler &handler,
                   const std::vector<const PidFd *> &exits = {});
  // Delivers every event still in the ring buffer, without waiting.
  void drain_events(const EventHandler &handler);
  std::uint64_t events_received() const;

  // Detaches every program and returns once none of them is running on any
  // CPU, so that what the targets did before they were reaped is all in the
  // maps. A reaped task may not be done: exit_notify() lets its parent's
  // wait4() reap it while it is still on its way to its last switch out
  // (do_task_dead), and the rusage wait4() reads counts that switch as soon
  // as __schedule() has, before the switch's program has run on that CPU.
  // Maps, ring buffer and program statistics stay readable.
  void detach();

  // The aggregated counters and the health slots, per-CPU values summed.
  RawCounters read_counters() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace zc
