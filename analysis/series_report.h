// A series of runs under the same conditions (zctrace compare, zctrace
// sweep): one summary row per method and size, the winners of each size,
// and the articles' comparisons next to them. Built as JSON
// (zctrace.compare/1, zctrace.sweep/1), rendered from the JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_result.h"

namespace zc::analysis {

// The figures a series compares, from one run (nulls where unmeasured).
nlohmann::json summarize(const RunResult &run);

// One point of a series: a method at one size and chunk (or skipped, or
// failed, with the reason).
struct SeriesPoint {
  std::string method;
  std::uint64_t size = 0;
  std::uint64_t chunk = 0;
  std::string status = "ok"; // "ok", "skipped" (cannot run here), "failed"
  std::string reason;
  std::vector<nlohmann::json> runs; // zctrace.run/1 documents (traced: the accounts)
  std::vector<nlohmann::json> summaries;
  // Throughput and CPU time from passes with no probe loaded; without it
  // they come from the traced runs, with the probes' cost in them.
  std::optional<Timing> timing;
};

// The series document: conditions, points (each with the median summary),
// the winners per (size, chunk), and the comparison claims that apply.
nlohmann::json series_document(const std::string &kind, const nlohmann::json &conditions,
                               const std::vector<SeriesPoint> &points);

std::string render_series(const nlohmann::json &doc);

} // namespace zc::analysis
