#include "timing.h"

#include <cstring>

namespace zc {

using nlohmann::json;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::optional<double> figure_of(const TimedPass &p, std::uint64_t file_size, const char *key) {
  const std::uint64_t size = p.bytes ? p.bytes : file_size;
  auto per_gib = [&](const std::optional<std::uint64_t> &ns) -> std::optional<double> {
    if (!ns || !size)
      return std::nullopt;
    return static_cast<double>(*ns) / 1e6 / (static_cast<double>(size) / kGiB);
  };
  if (std::strcmp(key, "throughput_bytes_per_s") == 0)
    return p.wall_ns ? std::optional<double>(static_cast<double>(size) * 1e9 /
                                             static_cast<double>(p.wall_ns))
                     : std::nullopt;
  if (std::strcmp(key, "source_cpu_ms_per_gib") == 0)
    return per_gib(p.source_cpu_ns);
  return per_gib(p.cpu_ns);
}

constexpr const char *kFigures[] = {"throughput_bytes_per_s", "source_cpu_ms_per_gib",
                                    "cpu_ms_per_gib"};

} // namespace

json spread_json(const Spread &s) {
  json j = {{"n", s.n}, {"median", s.median}, {"min", s.min}, {"max", s.max}};
  if (s.interval) {
    j["interval"] = {{"low", s.interval->low},
                     {"high", s.interval->high},
                     {"confidence", s.interval->confidence},
                     {"of", "the median; order statistics, no assumption of a distribution"}};
    j["no_interval"] = nullptr;
  } else {
    j["interval"] = nullptr;
    j["no_interval"] = s.no_interval;
  }
  return j;
}

std::optional<Spread> spread_from_json(const json &j) {
  if (j.at("median").is_null())
    return std::nullopt;
  Spread s;
  s.n = j.at("n");
  s.median = j.at("median");
  s.min = j.at("min");
  s.max = j.at("max");
  if (!j.at("interval").is_null())
    s.interval = Interval{j.at("interval").at("low"), j.at("interval").at("high"),
                          j.at("interval").at("confidence")};
  else
    s.no_interval = j.at("no_interval");
  return s;
}

std::optional<Spread> timing_spread(const Timing &t, const char *key) {
  std::vector<double> values;
  for (const TimedPass &p : t.passes) {
    const auto v = figure_of(p, t.size, key);
    if (!v)
      return std::nullopt;
    values.push_back(*v);
  }
  if (values.empty())
    return std::nullopt;
  return spread_of(values);
}

json timing_json(const Timing &t) {
  json j;
  j["measured"] = "with no probe loaded: " + std::to_string(t.passes.size()) +
                  (t.passes.size() == 1 ? " pass" : " passes") + " after " +
                  std::to_string(t.warmups) + " warm-up" + (t.warmups == 1 ? "" : "s") +
                  " discarded";
  j["warmups_discarded"] = t.warmups;
  j["runtime_s"] = t.runtime_s ? json(*t.runtime_s) : json();
  json passes = json::array();
  for (const TimedPass &p : t.passes) {
    json row = {{"wall_ns", p.wall_ns}};
    for (const char *key : kFigures) {
      const auto v = figure_of(p, t.size, key);
      row[key] = v ? json(*v) : json();
    }
    passes.push_back(std::move(row));
  }
  j["passes"] = std::move(passes);
  for (const char *key : kFigures) {
    if (const auto s = timing_spread(t, key))
      j[key] = spread_json(*s);
    else
      j[key] = {{"n", 0},
                {"median", nullptr},
                {"min", nullptr},
                {"max", nullptr},
                {"interval", nullptr},
                {"no_interval",
                 t.passes.empty() ? "no timed pass" : "a pass lacked its processes' rusage"}};
  }
  return j;
}

} // namespace zc
