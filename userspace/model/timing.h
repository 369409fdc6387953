// Throughput and CPU time measured apart from the accounts: the transfer
// repeated with no probe loaded, so that what watching costs is not in
// these figures, and their spread over the repeats.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "statistics.h"

namespace zc {

// One transfer timed with no probe loaded.
struct TimedPass {
  std::uint64_t wall_ns = 0; // first process start to last end
  std::uint64_t bytes = 0;   // payload it moved (part of the file for mmap_truncate); 0: all
  std::optional<std::uint64_t> source_cpu_ns; // user + system (rusage)
  std::optional<std::uint64_t> cpu_ns;        // the source's and the sink's
};

// The passes of one point: `warmups` were run first and discarded (the
// first transfer of a series pays for cold allocators, page tables and the
// first connection); `runtime_s`, when set, is how long the passes were
// repeated for (at least `repeat` of them).
struct Timing {
  std::uint64_t size = 0; // bytes each pass moved
  unsigned warmups = 0;
  std::optional<double> runtime_s;
  std::vector<TimedPass> passes;
};

// The figures of a spread, as JSON: n, median, min, max, and the interval
// {low, high, confidence} or null with `no_interval` saying why.
nlohmann::json spread_json(const Spread &s);
// Its inverse; nothing for a figure no pass measured (n 0, median null).
std::optional<Spread> spread_from_json(const nlohmann::json &j);

// What the timed passes give per pass (throughput, CPU ms per GiB) and the
// spread of each figure; a figure no pass measured is null with its reason.
nlohmann::json timing_json(const Timing &t);

// The spread of `key` ("throughput_bytes_per_s", "source_cpu_ms_per_gib",
// "cpu_ms_per_gib") over the passes, if every pass measured it.
std::optional<Spread> timing_spread(const Timing &t, const char *key);

} // namespace zc
