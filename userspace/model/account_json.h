// JSON of a run ("zctrace.run/1") and of probe reports.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "run_result.h"

namespace zc {

inline constexpr const char *kRunSchema = "zctrace.run/1";

nlohmann::json to_json(const Evidence &ev);
nlohmann::json to_json(const SiteRow &row);
nlohmann::json to_json(const Account &account);
nlohmann::json to_json(const ProbeReport &probe);
nlohmann::json to_json(const RunResult &run);

// Updates the BPF side could not make (map full, lookup failed), by kind.
struct UpdatesLost {
  std::uint64_t counter_updates = 0;
  std::uint64_t owner_records = 0;
  std::uint64_t task_contexts = 0;
  std::uint64_t fault_lookups = 0;
  std::uint64_t flows = 0;
};

// The ring buffer's bookkeeping and the updates lost ("events" of a run).
nlohmann::json events_json(const StreamStats &events, const UpdatesLost &lost);

} // namespace zc
