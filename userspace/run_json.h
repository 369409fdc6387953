// JSON of a run ("zctrace.run/1") and of probe reports.
#pragma once

#include <nlohmann/json.hpp>

#include "run_result.h"

namespace zc {

inline constexpr const char *kRunSchema = "zctrace.run/1";

nlohmann::json to_json(const Evidence &ev);
nlohmann::json to_json(const SiteRow &row);
nlohmann::json to_json(const Account &account);
nlohmann::json to_json(const ProbeReport &probe);
nlohmann::json to_json(const RunResult &run);

} // namespace zc
