#include "claim_check.h"

#include "copy_sites.h"
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
    // Passes are compared at the precision they are shown with.
    const double shown = std::stod(fixed(passes, 2));
    v.holds =
        (!e.min_passes || shown >= *e.min_passes) && (!e.max_passes || shown <= *e.max_passes);
    v.text = what + ": " + fixed(passes, 2) + " passes, claimed " + bounds_text(e) + ": " +
             (*v.holds ? "holds" : "does NOT hold");
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<const Claim *> claims_for(const RunResult &run) {
  return claims().for_run(run.params.method, run.params.scatter_gather);
}

nlohmann::json claims_json(const RunResult &run) {
  nlohmann::json out = nlohmann::json::array();
  for (const Claim *c : claims_for(run)) {
    nlohmann::json j = to_json(*c);
    nlohmann::json verdicts = nlohmann::json::array();
    for (const Verdict &v : check_claim(*c, run))
      verdicts.push_back({{"role", v.expectation->role},
                          {"site", v.expectation->site},
                          {"passes", v.passes ? nlohmann::json(*v.passes) : nlohmann::json()},
                          {"holds", v.holds ? nlohmann::json(*v.holds) : nlohmann::json()},
                          {"text", v.text}});
    j["verdicts"] = std::move(verdicts);
    out.push_back(std::move(j));
  }
  return out;
}

} // namespace zc::analysis
