// Checks a run against what the articles claim: the figures side by side
// (run_report), and each qualitative claim's expectations, bounds on the
// passes at one copy site, as a verdict: holds, does not hold, or cannot be
// told on this kernel (the site is not watched and nothing reported it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "claims.h"
#include "run_result.h"

namespace zc::analysis {

struct Verdict {
  const Expectation *expectation = nullptr;
  std::optional<bool> holds;          // empty: cannot be told here
  std::optional<double> passes;       // a site's expectation
  std::optional<std::uint64_t> count; // a signal's
  std::string text; // "filemap_read on the source: 0.00 passes, expected at most 0: holds"
};

std::vector<Verdict> check_claim(const Claim &claim, const RunResult &run);

// The claims that apply to the run, each with its verdicts (zctrace.run/1 "claims").
nlohmann::json claims_json(const RunResult &run);

// The claims of the run's method under the run's route.
std::vector<const Claim *> claims_for(const RunResult &run);

} // namespace zc::analysis
