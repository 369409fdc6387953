// Command-line parsing (CLI11) into plain option structs, kept apart from
// what the commands do so that it is unit-tested without root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "timed_passes.h"

namespace zc {

// The conditions a method runs under (run, compare and sweep share them).
struct Conditions {
  std::uint64_t size = 64ull << 20;
  std::uint64_t chunk = 64ull << 10;
  std::string cache = "warm";
  std::optional<bool> sg;    // route over a veth pair with scatter-gather on/off
  bool io_wq = false;        // io_uring methods: every request through io-wq workers
  bool uncached = false;     // read_write: preadv2 with RWF_DONTCACHE
  bool lease = false;        // mmap_truncate: the source holds a read lease on the file
  std::string sink = "read"; // how the sink consumes the stream (--sink)
  std::string dir = "/var/tmp";
  std::string fs; // --fs: a filesystem of this type made for each run, in place of dir
  std::uint64_t seed = 1;
  double timeout_s = 300;
};

struct RunOptions : Conditions {
  std::string method;
  std::optional<std::string> json_path;
  std::string address = "127.0.0.1";
  std::string sink_netns;
  std::vector<std::string> require;
  std::uint64_t ringbuf_bytes = 4ull << 20;
  bool stream_events = false;            // only with --trace, which consumes them
  std::optional<std::string> trace_path; // Chrome Trace Event JSON of the event stream
  bool bpf_stats = true;                 // time every program run (the run's own cost)
  // Throughput and CPU time timed apart, with no probe loaded (--repeat).
  std::optional<Repeats> timed;
};

// Any program: a command zctrace starts, or a running process.
struct TraceOptions {
  std::vector<std::string> command; // after --
  std::vector<int> pids;            // --pid, repeatable
  std::optional<double> duration_s;
  std::optional<std::string> user; // run the command as this user
  std::optional<std::string> json_path;
  std::optional<std::string> trace_path;
  std::uint64_t ringbuf_bytes = 4ull << 20;
  // Off unless asked for: a trace is attached to live servers, and the
  // statistics cost every process's probe runs two clock reads.
  bool bpf_stats = false;
};

// Several methods one after another under the same conditions.
struct CompareOptions : Conditions {
  std::vector<std::string> methods; // "all" expanded
  Repeats repeats;
  std::optional<std::string> json_path;
};

// Methods across message sizes and chunk sizes.
struct SweepOptions : Conditions {
  std::vector<std::string> methods;
  std::vector<std::uint64_t> sizes;  // default: the one --size
  std::vector<std::uint64_t> chunks; // default: 4K, 64K, 1M
  Repeats repeats;
  std::optional<std::string> json_path;
};

struct ListOptions {};

struct ProbesOptions {
  std::optional<std::string> json_path;
};

// Where vmtest and matrix find their targets and keep their kernels.
struct VmOptions {
  std::string config; // vmtest.toml; empty: ./vmtest.toml, else vmtest/vmtest.toml
  std::string filter = ".*";
  std::string out_dir = "vmtest-out";
  std::string cache_dir;     // empty: $ZCTRACE_CACHE or /var/cache/zctrace
  std::string guest_zctrace; // empty: zctrace-static next to zctrace
  bool kvm = false;
  std::optional<double> timeout_s;
};

struct VmtestOptions {
  VmOptions vm;
};

struct MatrixOptions {
  VmOptions vm;
  std::vector<std::string> methods; // empty: all
  std::uint64_t size = 64ull << 20;
  std::uint64_t chunk = 64ull << 10;
  std::string cache = "cold";
  bool host = true;
  std::optional<std::string> json_path;
};

struct CrosscheckOptions {
  std::vector<std::string> methods; // empty: all
  std::uint64_t size = 64ull << 20;
  std::uint64_t chunk = 64ull << 10;
  std::string cache = "cold"; // the disk transfers, so storage bytes are checked too
  bool bpftrace = false;
  std::optional<std::string> json_path;
};

// Every claim of the articles checked against runs, here and optionally in
// each vmtest kernel.
struct VerifyOptions {
  Conditions conditions; // size, chunk, cache (cold: the disks transfer), dir, seed
  std::string address = "127.0.0.1";
  std::string sink_netns;
  Repeats repeats;                    // of the comparisons' timed passes
  std::vector<std::string> claim_ids; // --claim: these alone (empty: every claim)
  bool vmtest = false;
  bool host = true;
  VmOptions vm;
  std::optional<std::string> json_path;
};

// Result files into one HTML page and a markdown summary.
struct ReportOptions {
  std::vector<std::string> inputs;
  std::string html_path = "zctrace-report.html";
  std::optional<std::string> markdown_path; // default: html_path with .md
};

struct Cli {
  bool verbose = false;
  bool quiet = false; // no text report
  bool wide = false;  // tables not wrapped at 100 columns
  std::variant<std::monostate, RunOptions, ListOptions, ProbesOptions, VmtestOptions, MatrixOptions,
               CrosscheckOptions, CompareOptions, SweepOptions, TraceOptions, VerifyOptions,
               ReportOptions>
      command;
  // Set when parsing already answered (--help): print `output`, exit 0.
  bool done = false;
  std::string output;
};

// "zctrace VERSION (git DESCRIPTION), libbpf VERSION".
std::string version_text();

// Throws UsageError with a one-line message on bad input.
Cli parse_cli(int argc, const char *const *argv, const std::vector<std::string> &methods);

} // namespace zc
