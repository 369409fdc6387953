// One transfer of a data file from a source process to a sink process over
// loopback TCP, with a given workload (copy method).
//
// Both processes are forked when the Transfer is built, before any BPF object
// exists (so they never hold BPF file descriptors), and park in read() on a
// start gate. The caller then registers their pids with the probes and calls
// start(): the gate's read returns in a process that is already traced, so
// every syscall of the method is seen from its enter, and none before.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "data_file.h"
#include "extents.h"
#include "page_cache.h"
#include "process_usage.h"
#include "workload.h"

namespace zc::workloads {

struct TransferSpec {
  const Workload *workload = nullptr;
  std::uint64_t size = 0;
  std::uint64_t chunk = 0;
  CacheMode cache = CacheMode::Warm;
  std::string dir;
  std::uint64_t seed = 1;
  // Where the sink listens and the source connects. Another address than
  // loopback, with the sink in another network namespace, sends the payload
  // through real (or emulated) network devices.
  std::string address = "127.0.0.1";
  std::string sink_netns; // path of a network namespace file; empty: zctrace's own
  MethodOptions options;
  SinkMode sink = SinkMode::Read; // a method with the default sink only
};

// What a workload process reported from the kernel's own answers, and its
// own count of its calls ("calls.write").
using ReportedFigures = std::vector<std::pair<std::string, std::uint64_t>>;

// A process a signal ended: a workload side, or a helper it started.
struct Death {
  std::string role; // "source", "sink", "source's child"
  pid_t pid = -1;
  int signal = 0;
  bool core_dumped = false;
};

struct ProcessResult {
  pid_t pid = -1;
  bool ok = false;                      // ran to the end without error
  std::string error;                    // one line, when not ok
  std::optional<std::int64_t> start_ns; // CLOCK_MONOTONIC, after the gate opened
  std::optional<std::int64_t> end_ns;
  std::optional<ProcessUsage> usage; // over the run window, after the start gate
  std::optional<ProcessIo> io;       // its /proc/PID/io when it ended
  ReportedFigures figures;
  std::vector<Death> deaths; // it, if a signal ended it; helpers it started that one ended
};

struct TransferOutcome {
  ProcessResult source;
  ProcessResult sink;
  std::uint64_t expected_bytes = 0;
  std::uint32_t expected_crc32c = 0;
  std::uint64_t received_bytes = 0;
  std::uint32_t received_crc32c = 0;
  bool integrity_ok = false;
  std::string integrity_error; // empty when integrity_ok
  std::uint64_t file_pages = 0;
  std::uint64_t resident_before = 0;
  std::string filesystem;
};

class Transfer {
public:
  explicit Transfer(const TransferSpec &spec);
  ~Transfer(); // kills what still runs, reaps it, removes the data file
  Transfer(const Transfer &) = delete;
  Transfer &operator=(const Transfer &) = delete;

  pid_t source_pid() const;
  pid_t sink_pid() const;
  FileId data_file() const;

  // Puts the file's pages in the requested cache state, takes the processes'
  // usage baselines and opens the gate.
  void start();

  // Reaps the processes that exited; true once both have.
  bool poll();

  // Kills both processes (used on timeout and interruption).
  void kill_all();

  // What happened; valid once poll() returned true.
  TransferOutcome outcome() const;

  // The files once both processes ended: the data file's pages in the page
  // cache, and for a method that writes a file, its extents shared with the
  // data file (a reflink). Read on demand: the timed passes need neither.
  struct FileState {
    std::uint64_t resident_after = 0;
    std::optional<SharedExtents> destination;
    std::string destination_why_not; // when a written file's extents could not be read
  };
  FileState file_state() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace zc::workloads
