// Every figure of a run that has an independent route, against it: copy
// bytes against the syscalls' own return values (counted by another probe
// family), the sink's own count of what it received, the kernel's answers
// to the workload, and optionally bpftrace on the same tracepoints; storage
// bytes against /proc/PID/io; scheduler switches and page faults against
// rusage; syscalls against the workload's own count of its calls; DMA
// mappings against the device transfers they serve. They must agree within
// 1%. A figure that cannot be compared here is listed with the reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_result.h"

namespace zc::analysis {

inline constexpr double kCrosscheckTolerance = 0.01;

struct CrossCheck {
  std::string method;
  std::string figure; // "source: page cache -> user"
  std::uint64_t measured = 0;
  std::uint64_t independent = 0;
  std::string route; // what the independent figure is
  // Why the two cannot be compared on this run (then it is no check).
  std::string not_comparable;
  // The independent figure may be lower than the measured one by this
  // many, for a reason the route names (a measured count, not a margin).
  std::uint64_t may_lack = 0;
  bool ok() const;
  double ratio() const;
};

// What bpftrace counted for the run, if it ran beside it.
struct BpftraceCounts {
  std::optional<std::uint64_t> sink_receive_bytes; // skb:skb_copy_datagram_iovec, comm zc-sink
  std::optional<std::uint64_t> source_send_bytes;  // sock:sock_send_length, comm zc-source
};

std::vector<CrossCheck> crosscheck(const RunResult &run, const BpftraceCounts &bpftrace = {});

std::string render_crosschecks(const std::vector<CrossCheck> &checks);
nlohmann::json to_json(const CrossCheck &check);

} // namespace zc::analysis
