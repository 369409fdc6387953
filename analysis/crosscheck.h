// Measured copy bytes against independent routes: the syscalls' own return
// values (counted by another probe family), the sink's own count of what it
// received (user space), and optionally bpftrace on the same tracepoints.
// They must agree within 1%.
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
