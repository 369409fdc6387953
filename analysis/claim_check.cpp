#include "claim_check.h"

#include <map>
#include <set>

#include "copy_sites.h"
#include "error.h"
#include "method_use.h"
#include "text_table.h"

namespace zc::analysis {

namespace {

std::string bounds_text(const Expectation &e) {
  if (e.min_passes && e.max_passes)
    return "between " + fixed(*e.min_passes, 2) + " and " + fixed(*e.max_passes, 2);
  if (e.min_passes)
    return "at least " + fixed(*e.min_passes, 2);
  return "at most " + fixed(*e.max_passes, 2);
}

// Passes are compared at the precision they are shown with.
bool passes_within(const Expectation &e, double passes) {
  const double shown = std::stod(fixed(passes, 2));
  return (!e.min_passes || shown >= *e.min_passes) && (!e.max_passes || shown <= *e.max_passes);
}

std::string count_bounds_text(const Expectation &e) {
  if (e.min_count && e.max_count)
    return "between " + std::to_string(*e.min_count) + " and " + std::to_string(*e.max_count);
  if (e.min_count)
    return "at least " + std::to_string(*e.min_count);
  return "at most " + std::to_string(*e.max_count);
}

// What the source's writes did instead, where the method reports it
// (mmap_truncate): "1 short write, then EFAULT".
std::string writes_text(const Account &a) {
  const auto figure = [&](const char *name) -> std::optional<std::uint64_t> {
    const auto it = a.reported.find(name);
    return it == a.reported.end() ? std::nullopt : it->second.value;
  };
  const auto err = figure("write.failed_errno");
  const auto shorts = figure("write.short_returns");
  if (!err || !shorts)
    return {};
  std::string out = "; its writes: " + std::to_string(*shorts) + " returned short";
  out += *err ? ", then one failed: " + errno_text(static_cast<int>(*err)) : ", none failed";
  return out;
}

// The signals of one kind the kernel generated for the role.
Verdict check_signal(const Expectation &e, const Account &a) {
  Verdict v;
  v.expectation = &e;
  const std::string what = e.signal + " to the " + e.role;
  if (!a.signals.generated.value) {
    v.text = what + ": cannot be told here (" + a.signals.generated.evidence.how + ")";
    return v;
  }
  const auto it = a.signals.by_signal.find(e.signal);
  const std::uint64_t n = it == a.signals.by_signal.end() ? 0 : it->second.generated;
  v.count = n;
  v.holds = (!e.min_count || n >= *e.min_count) && (!e.max_count || n <= *e.max_count);
  v.text = what + ": " + std::to_string(n) + " generated (signal:signal_generate), claimed " +
           count_bounds_text(e) + ": " + (*v.holds ? "holds" : "does NOT hold") + writes_text(a);
  return v;
}

// The payload passes the role's processes moved from a file to a socket
// with one copy method, by the descriptor flows.
Verdict check_method_seen(const Expectation &e, const RunResult &run) {
  Verdict v;
  v.expectation = &e;
  const std::string what = e.method_seen + " on the " + e.role + " (file -> socket)";
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> calls;
  std::set<std::string> methods;
  for (const MethodUse &u : method_uses(run.flows, run.process_roles)) {
    if (u.role != e.role || !u.to || u.to->kind != ZC_FD_SOCK || !u.from ||
        (u.from->kind != ZC_FD_REG && u.from->kind != ZC_FD_MAPPED))
      continue;
    methods.insert(u.method);
    if (u.method != e.method_seen)
      continue;
    bytes += u.bytes;
    for (const auto &[name, n] : u.calls)
      calls[name] += n;
  }
  const double passes = run.params.size ? bytes / static_cast<double>(run.params.size) : 0;
  v.passes = passes;
  v.holds = passes_within(e, passes);
  std::string used;
  for (const auto &[name, n] : calls)
    used += (used.empty() ? "" : ", ") + name + " x" + std::to_string(n);
  std::string seen;
  for (const std::string &m : methods)
    seen += (seen.empty() ? "" : ", ") + m;
  v.text = what + ": " + fixed(passes, 2) + " passes" + (used.empty() ? "" : " (" + used + ")") +
           ", claimed " + bounds_text(e) + ": " + (*v.holds ? "holds" : "does NOT hold") +
           "; methods seen from a file to a socket: " + (seen.empty() ? "none" : seen);
  // A write whose buffer could not be looked up (another thread held
  // mmap_lock) may have come from the mapping: below the bound, that
  // cannot be told.
  if (!*v.holds && run.lost.buffer_lookups) {
    v.holds.reset();
    v.text += "; cannot be told: " + std::to_string(run.lost.buffer_lookups) +
              " writes' buffers could not be looked up (their mapping was busy)";
  }
  return v;
}

const CopySite *site_named(const std::string &name) {
  for (const CopySite &s : copy_sites())
    if (s.name == name)
      return &s;
  return nullptr;
}

} // namespace

std::vector<Verdict> check_claim(const Claim &claim, const RunResult &run) {
  std::vector<Verdict> out;
  const ProbeIndex probes(run.probes);
  for (const Expectation &e : claim.expect) {
    Verdict v;
    v.expectation = &e;
    const std::string what = e.site + " on the " + e.role;
    const Account &a = e.role == "sink" ? run.sink : run.source;
    if (!e.signal.empty()) {
      out.push_back(check_signal(e, a));
      continue;
    }
    if (!e.method_seen.empty()) {
      out.push_back(check_method_seen(e, run));
      continue;
    }
    const CopySite *site = site_named(e.site);
    if (!site) {
      v.text = what + ": no such copy site";
      out.push_back(std::move(v));
      continue;
    }
    double bytes = 0;
    bool seen = false;
    for (const SiteRow &row : a.cpu_copy.by_site)
      if (row.site_id == site->id) {
        bytes += static_cast<double>(row.bytes);
        seen = true;
      }
    const SiteState st = site_state(probes, *site);
    if (!seen && st.state == SiteState::Unwatched) {
      v.text = what + ": cannot be told here (" + st.evidence.how + ")";
      out.push_back(std::move(v));
      continue;
    }
    const double passes = run.params.size ? bytes / static_cast<double>(run.params.size) : 0;
    v.passes = passes;
    v.holds = passes_within(e, passes);
    v.text = what + ": " + fixed(passes, 2) + " passes, claimed " + bounds_text(e) + ": " +
             (*v.holds ? "holds" : "does NOT hold");
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<const Claim *> claims_for(const RunResult &run) {
  return claims().for_run(run.params.method, run.params.scatter_gather, run.params.lease);
}

nlohmann::json claims_json(const RunResult &run) {
  nlohmann::json out = nlohmann::json::array();
  for (const Claim *c : claims_for(run)) {
    nlohmann::json j = to_json(*c);
    nlohmann::json verdicts = nlohmann::json::array();
    for (const Verdict &v : check_claim(*c, run)) {
      nlohmann::json verdict = expectation_json(*v.expectation);
      verdict.erase("min_passes");
      verdict.erase("max_passes");
      verdict.erase("min_count");
      verdict.erase("max_count");
      if (v.expectation->signal.empty())
        verdict["passes"] = v.passes ? nlohmann::json(*v.passes) : nlohmann::json();
      else
        verdict["count"] = v.count ? nlohmann::json(*v.count) : nlohmann::json();
      verdict["holds"] = v.holds ? nlohmann::json(*v.holds) : nlohmann::json();
      verdict["text"] = v.text;
      verdicts.push_back(std::move(verdict));
    }
    j["verdicts"] = std::move(verdicts);
    out.push_back(std::move(j));
  }
  return out;
}

} // namespace zc::analysis
