// The model as JSON: evidence, accounts (every figure with its evidence),
// probe reports and what every session observed, as every result document
// holds them.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "account.h"
#include "observation.h"
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

nlohmann::json to_json(const DeviceRow &row);

// The parts of a result every session has (observation.h): kernel,
// lost_events, events, programs, probes, unattributed.
nlohmann::json observation_json(const Observation &observation);

} // namespace zc
