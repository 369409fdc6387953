// The JSON document of a run ("zctrace.run/1"): the run itself, the claims
// that apply to it with their verdicts, and the copy methods its processes
// were seen to use.
#pragma once

#include <nlohmann/json.hpp>

#include "run_result.h"

namespace zc {

inline constexpr const char *kRunSchema = "zctrace.run/1";

// The run alone: parameters, integrity, probes, events, accounts.
nlohmann::json to_json(const RunResult &run);

// The run with its claims' verdicts and the copy methods seen.
nlohmann::json run_document(const RunResult &run);

} // namespace zc
