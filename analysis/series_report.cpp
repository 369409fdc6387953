#include "series_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "claims.h"
#include "text_table.h"
#include "units.h"

namespace zc::analysis {

using nlohmann::json;

namespace {

template <typename T> json value(const Figure<T> &f) { return f.value ? json(*f.value) : json(); }

std::optional<std::uint64_t> sum(std::initializer_list<const Count *> parts) {
  std::uint64_t total = 0;
  for (const Count *c : parts) {
    if (!c->value)
      return std::nullopt;
    total += *c->value;
  }
  return total;
}

json opt(const std::optional<std::uint64_t> &v) { return v ? json(*v) : json(); }

// The median of a numeric summary field over the runs (null if any is null).
json median_of(const std::vector<json> &summaries, const char *key) {
  std::vector<double> v;
  for (const json &s : summaries) {
    if (!s.contains(key) || s.at(key).is_null())
      return json();
    v.push_back(s.at(key).get<double>());
  }
  return v.empty() ? json() : json(zc::median_of(v));
}

std::string cell(const json &s, const char *key, int decimals) {
  if (!s.contains(key) || s.at(key).is_null())
    return "n/a";
  const double v = s.at(key).get<double>();
  return decimals < 0 ? thousands(static_cast<unsigned long long>(v)) : fixed(v, decimals);
}

std::string rate(const json &s) {
  if (!s.contains("throughput_bytes_per_s") || s.at("throughput_bytes_per_s").is_null())
    return "n/a";
  return fixed(s.at("throughput_bytes_per_s").get<double>() / (1024.0 * 1024.0), 0);
}

// Winner of one (size, chunk) group by a figure: the best median, and the
// methods whose intervals overlap its own (not told apart from it).
json winner(const std::vector<const json *> &points, const char *key, bool lowest);

const char *metric_key(const std::string &metric) {
  return metric == "fastest" ? "throughput_bytes_per_s" : "source_cpu_ms_per_gib";
}

// A figure's spread over a point's timed passes (n = 1, no interval, for a
// point timed by its traced run alone).
Spread spread_at(const json &point, const char *key) {
  Spread s;
  const json timing = point.value("timed", json());
  if (timing.is_object() && timing.contains(key))
    if (const auto timed = spread_from_json(timing.at(key)))
      return *timed;
  const json &summary = point.at("summary");
  if (!summary.contains(key) || summary.at(key).is_null())
    return s; // n = 0: not measured
  s.n = 1;
  s.median = s.min = s.max = summary.at(key).get<double>();
  s.no_interval = "one traced run, no repeats";
  return s;
}

std::string spread_text(const std::string &metric, const Spread &s) {
  const double scale = metric == "fastest" ? 1024.0 * 1024.0 : 1.0;
  std::string t = fixed(s.median / scale, 0);
  if (s.interval)
    t += " [" + fixed(s.interval->low / scale, 0) + ".." + fixed(s.interval->high / scale, 0) + "]";
  return t + (metric == "fastest" ? " MiB/s" : " source CPU ms/GiB");
}

json winner(const std::vector<const json *> &points, const char *key, bool lowest) {
  const json *best = nullptr;
  Spread best_s;
  for (const json *p : points) {
    const Spread s = spread_at(*p, key);
    if (s.n == 0)
      continue;
    if (!best || (lowest ? s.median < best_s.median : s.median > best_s.median)) {
      best = p;
      best_s = s;
    }
  }
  if (!best)
    return json();
  json tied = json::array();
  for (const json *p : points) {
    const Spread s = spread_at(*p, key);
    if (p != best && s.n > 0 && compare_intervals(best_s, s) == 0)
      tied.push_back(p->at("method"));
  }
  return {{"method", best->at("method")}, {"value", best_s.median}, {"not_told_apart_from", tied}};
}

// A comparison claim's expected winners, checked among its own methods at
// the chunk sizes it names, for every message size of the series. The
// expected method holds only if its interval lies wholly on the better side
// of every other method's; it differs if another's lies wholly on the
// better side of its own; otherwise the two cannot be told apart here.
json check_comparison(const Claim &claim, const json &points) {
  // size -> chunk -> method -> point
  std::map<std::uint64_t, std::map<std::uint64_t, std::map<std::string, const json *>>> grid;
  for (const json &p : points)
    if (p.at("status") == "ok" && std::find(claim.methods.begin(), claim.methods.end(),
                                            p.at("method")) != claim.methods.end())
      grid[p.at("size")][p.at("chunk")][p.at("method")] = &p;
  json verdicts = json::array();
  for (const WinnerExpectation &w : claim.winners) {
    for (const auto &[size, chunks] : grid) {
      std::vector<std::uint64_t> at;
      // Smallest and largest need a range of chunk sizes to mean anything.
      if (w.at != "every_chunk" && chunks.size() < 2)
        continue;
      if (w.at == "smallest_chunk")
        at = {chunks.begin()->first};
      else if (w.at == "largest_chunk")
        at = {chunks.rbegin()->first};
      else
        for (const auto &[chunk, _] : chunks)
          at.push_back(chunk);
      for (std::uint64_t chunk : at) {
        const auto &by_method = chunks.at(chunk);
        const char *key = metric_key(w.metric);
        const bool lower_is_better = w.metric != "fastest";
        std::map<std::string, Spread> spreads;
        json figures = json::object();
        std::string line, best;
        bool complete = by_method.size() == claim.methods.size();
        for (const auto &[method, point] : by_method) {
          const Spread s = spread_at(*point, key);
          if (s.n == 0) {
            complete = false;
            continue;
          }
          spreads[method] = s;
          figures[method] = spread_json(s);
          line += (line.empty() ? "" : ", ") + method + " " + spread_text(w.metric, s);
          if (best.empty() ||
              (lower_is_better ? s.median < spreads[best].median : s.median > spreads[best].median))
            best = method;
        }
        std::string verdict = "cannot be measured here";
        json holds = nullptr;
        if (complete && spreads.count(w.method)) {
          const Spread &expected = spreads.at(w.method);
          bool better_than_all = true, worse_than_one = false;
          for (const auto &[method, s] : spreads) {
            if (method == w.method)
              continue;
            const int c = compare_intervals(expected, s);
            const bool better = lower_is_better ? c < 0 : c > 0;
            const bool worse = lower_is_better ? c > 0 : c < 0;
            better_than_all = better_than_all && better;
            worse_than_one = worse_than_one || worse;
          }
          verdict = better_than_all  ? "holds"
                    : worse_than_one ? "differs"
                                     : "cannot be told apart here";
          if (verdict != "cannot be told apart here")
            holds = verdict == "holds";
        }
        json v = {{"metric", w.metric}, {"size", size}, {"chunk", chunk}, {"expected", w.method}};
        v["median_winner"] = complete ? json(best) : json();
        v["verdict"] = verdict;
        v["holds"] = holds;
        v["methods"] = figures;
        std::string why;
        if (verdict == "cannot be told apart here")
          for (const auto &[method, s] : spreads)
            if (!s.interval) {
              why = " (" + method + ": " + s.no_interval + ")";
              break;
            }
        v["text"] = (w.metric == "fastest" ? "fastest" : "least source CPU per byte") +
                    std::string(" at ") + format_size(chunk) + " chunks (" + format_size(size) +
                    "): " + (complete ? line : "not every method measured") + "; claimed " +
                    w.method + ": " + (verdict == "differs" ? "does NOT hold" : verdict) + why;
        verdicts.push_back(std::move(v));
      }
    }
  }
  return verdicts;
}

} // namespace

json summarize(const RunResult &r) {
  const Account &s = r.source;
  const Account &k = r.sink;
  const std::uint64_t chunks =
      r.params.chunk ? (r.params.size + r.params.chunk - 1) / r.params.chunk : 0;
  json j;
  j["source_cpu_passes"] = value(s.cpu_copy.passes);
  j["sink_cpu_passes"] = value(k.cpu_copy.passes);
  j["source_by_reference_passes"] = value(s.by_reference.passes);
  j["sink_by_reference_passes"] = value(k.by_reference.passes);
  j["source_device_passes"] = value(s.device.passes);
  j["source_syscalls"] = value(s.syscalls.total);
  j["source_mode_switches_per_chunk"] =
      s.mode_switches.value && chunks
          ? json(static_cast<double>(*s.mode_switches.value) / static_cast<double>(chunks))
          : json();
  j["scheduler_switches"] =
      opt(sum({&s.context_switches.voluntary, &s.context_switches.involuntary,
               &k.context_switches.voluntary, &k.context_switches.involuntary}));
  j["source_page_faults"] = opt(sum({&s.page_faults.user, &s.page_faults.kernel}));
  // CPU time per GiB moved: the sender's (what the articles compare) and
  // both processes'.
  auto per_gib = [&](const std::optional<std::uint64_t> &ns) {
    return ns && r.params.size
               ? json(static_cast<double>(*ns) / 1e6 /
                      (static_cast<double>(r.params.size) / (1024.0 * 1024.0 * 1024.0)))
               : json();
  };
  const auto source_cpu = sum({&s.time.user_ns, &s.time.sys_ns});
  const auto cpu = sum({&s.time.user_ns, &s.time.sys_ns, &k.time.user_ns, &k.time.sys_ns});
  j["source_cpu_ns"] = opt(source_cpu);
  j["cpu_ns"] = opt(cpu);
  j["source_cpu_ms_per_gib"] = per_gib(source_cpu);
  j["cpu_ms_per_gib"] = per_gib(cpu);
  j["throughput_bytes_per_s"] = value(r.throughput_bytes_per_s);
  j["integrity_ok"] = r.integrity.ok;
  return j;
}

json series_document(const std::string &kind, const json &conditions,
                     const std::vector<SeriesPoint> &points) {
  json doc;
  doc["schema"] = "zctrace." + kind + "/1";
  doc["conditions"] = conditions;
  json list = json::array();
  std::vector<std::string> methods;
  for (const SeriesPoint &p : points) {
    if (std::find(methods.begin(), methods.end(), p.method) == methods.end())
      methods.push_back(p.method);
    json summary;
    json timing = p.timing ? timing_json(*p.timing) : json();
    if (!p.summaries.empty()) {
      // The run with the median throughput stands for the point's counts.
      std::vector<std::size_t> order(p.summaries.size());
      for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return p.summaries[a].value("throughput_bytes_per_s", 0.0) <
               p.summaries[b].value("throughput_bytes_per_s", 0.0);
      });
      summary = p.summaries[order[order.size() / 2]];
      for (const char *key : {"source_cpu_ns", "cpu_ns", "source_cpu_ms_per_gib", "cpu_ms_per_gib",
                              "throughput_bytes_per_s"})
        summary[key] = median_of(p.summaries, key);
      summary["throughput_measured"] = "traced: with the probes attached, their cost in it";
      // Throughput and CPU time: the medians of the passes with no probe.
      if (timing.is_object()) {
        for (const char *key :
             {"source_cpu_ms_per_gib", "cpu_ms_per_gib", "throughput_bytes_per_s"})
          summary[key] = timing.at(key).at("median");
        summary.erase("source_cpu_ns");
        summary.erase("cpu_ns");
        summary["throughput_measured"] = timing.at("measured");
      }
    }
    list.push_back({{"method", p.method},
                    {"size", p.size},
                    {"chunk", p.chunk},
                    {"status", p.status},
                    {"reason", p.reason.empty() ? json() : json(p.reason)},
                    {"traced_runs", p.runs.size()},
                    {"timed_passes", p.timing ? p.timing->passes.size() : 0},
                    {"summary", summary},
                    {"timed", timing},
                    {"runs", p.runs}});
  }
  doc["points"] = list;

  // Winners among the points that ran, per (size, chunk).
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<const json *>> groups;
  for (const json &p : doc["points"])
    if (p.at("status") == "ok")
      groups[{p.at("size").get<std::uint64_t>(), p.at("chunk").get<std::uint64_t>()}].push_back(&p);
  json winners = json::array();
  for (const auto &[key, group] : groups) {
    if (group.size() < 2)
      continue;
    winners.push_back({{"size", key.first},
                       {"chunk", key.second},
                       {"least_cpu_per_byte", winner(group, "source_cpu_ms_per_gib", true)},
                       {"fastest", winner(group, "throughput_bytes_per_s", false)}});
  }
  doc["winners"] = winners;
  json comparisons = json::array();
  for (const Claim *c : claims().comparisons(methods)) {
    json j = to_json(*c);
    j["verdicts"] = check_comparison(*c, doc["points"]);
    comparisons.push_back(std::move(j));
  }
  doc["claims"] = comparisons;
  return doc;
}

namespace {

// ", not told apart from a, b" when other methods' intervals overlap the
// winner's.
std::string tied_text(const json &w) {
  std::string t;
  for (const json &m : w.value("not_told_apart_from", json::array()))
    t += (t.empty() ? ", not told apart from " : ", ") + m.get<std::string>();
  return t;
}

std::string spread_cell(const json &spread, double scale, int decimals) {
  if (spread.is_null() || spread.at("median").is_null())
    return "n/a";
  return fixed(spread.at("median").get<double>() / scale, decimals);
}

std::string range_cell(const json &spread, double scale) {
  if (spread.is_null() || spread.at("median").is_null())
    return "-";
  return fixed(spread.at("min").get<double>() / scale, 0) + ".." +
         fixed(spread.at("max").get<double>() / scale, 0);
}

std::string interval_cell(const json &spread, double scale) {
  if (spread.is_null() || spread.at("median").is_null())
    return "-";
  if (spread.at("interval").is_null())
    return "none";
  const json &i = spread.at("interval");
  return fixed(i.at("low").get<double>() / scale, 0) + ".." +
         fixed(i.at("high").get<double>() / scale, 0);
}

// Throughput and CPU time from the passes with no probe loaded, one table
// each (side by side they pass 100 columns).
std::string render_timing(const json &points) {
  constexpr double kMiB = 1024.0 * 1024.0;
  TextTable speed({"method", "size", "chunk", "passes", "MiB/s", "min..max", "95% interval"});
  TextTable cpu({"method", "size", "chunk", "passes", "source", "min..max", "95% interval",
                 "source and sink"});
  bool any_short = false;
  for (const json &p : points) {
    if (p.at("status") != "ok")
      continue;
    const json timing = p.value("timed", json());
    const std::vector<std::string> point = {p.at("method").get<std::string>(),
                                            format_size(p.at("size").get<std::uint64_t>()),
                                            format_size(p.at("chunk").get<std::uint64_t>())};
    std::vector<std::string> s = point, c = point;
    if (!timing.is_object()) {
      s.insert(s.end(), {"0", rate(p.at("summary")) + " (traced)", "-", "-"});
      c.insert(c.end(), {"0", "-", "-", "-", "-"});
    } else {
      const json &tp = timing.at("throughput_bytes_per_s");
      const json &src = timing.at("source_cpu_ms_per_gib");
      any_short = any_short || tp.at("interval").is_null();
      const std::string passes = std::to_string(timing.at("passes").size());
      s.insert(s.end(),
               {passes, spread_cell(tp, kMiB, 0), range_cell(tp, kMiB), interval_cell(tp, kMiB)});
      c.insert(c.end(), {passes, spread_cell(src, 1, 0), range_cell(src, 1), interval_cell(src, 1),
                         spread_cell(timing.at("cpu_ms_per_gib"), 1, 0)});
    }
    speed.add(s);
    cpu.add(c);
  }
  std::string out = "throughput with no probe loaded (one warm-up discarded; medians)\n" +
                    speed.render() + "\nCPU time in ms per GiB moved, with no probe loaded\n" +
                    cpu.render();
  out += "\nAn interval holds the true median with at least 95% confidence, whatever the "
         "distribution; where two intervals overlap, the methods cannot be told apart here.\n";
  if (any_short)
    out += "No interval below 6 passes: --repeat 6 or more gives one.\n";
  return out;
}

} // namespace

std::string render_series(const json &doc) {
  std::ostringstream out;
  const json &c = doc.at("conditions");
  const std::string sink = c.value("sink", std::string("read"));
  out << doc.at("schema").get<std::string>().substr(
             8, doc.at("schema").get<std::string>().find('/') - 8)
      << ": " << c.at("cache").get<std::string>() << " cache, route "
      << c.at("route").get<std::string>()
      << (c.value("io_wq", false) ? ", io_uring through io-wq" : "")
      << (c.value("uncached", false) ? ", read uncached (RWF_DONTCACHE)" : "")
      << (c.value("lease", false) ? ", under a read lease" : "")
      << (sink != "read" ? ", sink " + sink : "") << ", kernel "
      << c.at("kernel").get<std::string>() << "\n\n";
  // Copies, then calls and switches: one table would pass 100 columns.
  using Columns = std::initializer_list<std::pair<const char *, int>>;
  const Columns copies = {{"source_cpu_passes", 2},
                          {"sink_cpu_passes", 2},
                          {"source_by_reference_passes", 2},
                          {"sink_by_reference_passes", 2},
                          {"source_device_passes", 2}};
  const Columns calls = {{"source_syscalls", -1},
                         {"source_mode_switches_per_chunk", 2},
                         {"scheduler_switches", -1},
                         {"source_page_faults", -1}};
  TextTable copy_table({"method", "size", "chunk", "CPU copies src", "sink", "by ref src", "sink",
                        "device src", "note"});
  TextTable call_table({"method", "size", "chunk", "syscalls src", "mode switches per chunk src",
                        "scheduler switches", "page faults src"});
  for (const json &p : doc.at("points")) {
    const json &s = p.at("summary");
    const std::vector<std::string> point = {p.at("method").get<std::string>(),
                                            format_size(p.at("size").get<std::uint64_t>()),
                                            format_size(p.at("chunk").get<std::uint64_t>())};
    std::vector<std::string> copy_row = point, call_row = point;
    const bool ok = p.at("status") == "ok";
    for (auto [key, decimals] : copies)
      copy_row.push_back(ok ? cell(s, key, decimals) : "-");
    for (auto [key, decimals] : calls)
      call_row.push_back(ok ? cell(s, key, decimals) : "-");
    copy_row.push_back(!ok ? p.at("status").get<std::string>() + ": " +
                                 p.at("reason").get<std::string>()
                       : p.at("traced_runs").get<std::size_t>() > 1
                           ? "median of " + std::to_string(p.at("traced_runs").get<std::size_t>())
                           : "");
    copy_table.add(copy_row);
    call_table.add(call_row);
  }
  out << "copies, in passes over the payload (bytes / size), counted in a traced run\n"
      << copy_table.render() << "\ncalls and switches, counted in the same run\n"
      << call_table.render();
  out << "\n" << render_timing(doc.at("points"));

  if (!doc.at("winners").empty()) {
    out << "\nwhere each method wins\n";
    for (const json &w : doc.at("winners")) {
      out << "  " << format_size(w.at("size").get<std::uint64_t>()) << " in "
          << format_size(w.at("chunk").get<std::uint64_t>()) << " chunks: ";
      const json &cpu = w.at("least_cpu_per_byte");
      const json &fast = w.at("fastest");
      out << "least source CPU per byte: "
          << (cpu.is_null()
                  ? "n/a"
                  : cpu.at("method").get<std::string>() + " (" +
                        fixed(cpu.at("value").get<double>(), 0) + " ms/GiB)" + tied_text(cpu))
          << "; fastest: "
          << (fast.is_null() ? "n/a"
                             : fast.at("method").get<std::string>() + " (" +
                                   fixed(fast.at("value").get<double>() / (1024.0 * 1024.0), 0) +
                                   " MiB/s)" + tied_text(fast))
          << "\n";
    }
  }
  for (const json &claim : doc.at("claims")) {
    out << "\nclaim (" << claim.at("label").get<std::string>()
        << "): " << claim.at("statement").get<std::string>() << "\n";
    for (const json &v : claim.at("verdicts"))
      out << "  " << v.at("text").get<std::string>() << "\n";
    if (claim.at("verdicts").size() < claim.at("winners").size())
      out << "  (its claims about small and large messages need a sweep over chunk sizes: "
             "zctrace sweep "
          << claim.at("methods")[0].get<std::string>() << " "
          << claim.at("methods")[1].get<std::string>() << " --chunk 4K,64K,1M)\n";
  }
  return out.str();
}

} // namespace zc::analysis
