// The model as JSON: evidence, accounts (every figure with its evidence),
// probe reports and the event bookkeeping, as every result document holds
// them.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "account.h"
#include "counters.h"
#include "probe_report.h"

namespace zc {

// A figure's value, null when it was not measured.
template <typename T> nlohmann::json value_json(const Figure<T> &f) {
  return f.value ? nlohmann::json(*f.value) : nlohmann::json(nullptr);
}
// A string, null when empty.
nlohmann::json string_or_null(const std::string &s);

nlohmann::json to_json(const Evidence &ev);
nlohmann::json to_json(const SiteRow &row);
nlohmann::json to_json(const Account &account);
nlohmann::json to_json(const ProbeReport &probe);

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
