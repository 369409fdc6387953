#include <iostream>

#include "account_json.h"
#include "commands.h"
#include "copy_sites.h"
#include "json_file.h"
#include "preflight.h"
#include "probe_set.h"
#include "run_result.h"
#include "text_table.h"

namespace zc {

int probes_command(const ProbesOptions &o) {
  require_bpf_privileges();
  require_kernel_btf();
  Features features;
  // Really load and attach everything, as a run would: a probe that passes
  // the feature probe but fails the verifier shows up here too.
  ProbeSetOptions options;
  options.stream_events = false;
  options.ringbuf_bytes = 4096;
  ProbeSet probes(features, options);
  const auto &reports = probes.reports();
  const KernelInfo kernel = running_kernel();

  std::cout << "probes on kernel " << kernel.release << "\n";
  analysis::TextTable t({"  probe", "attached via", "measures"});
  std::string refusals;
  for (const auto &r : reports) {
    t.add({"  " + r.name, r.attached ? r.via : "NOT ATTACHED", r.measures});
    if (!r.attached)
      refusals += "  " + r.name + ": " + r.reason + "\n";
    for (const auto &alt : r.alternatives)
      if (!alt.usable && r.attached)
        refusals += "  " + r.name + " (not through " + alt.attach_point + "): " + alt.reason + "\n";
  }
  std::cout << t.render();
  if (!refusals.empty())
    std::cout << "\nrefused on this kernel\n" << refusals;

  // Per copy site: the alternative in use and why better ones were refused.
  std::cout << "\ncopy sites\n";
  analysis::TextTable sites({"  site", "watched through", "evidence", "bytes from"});
  const ProbeIndex index(reports);
  std::string site_notes;
  for (const CopySite &site : copy_sites()) {
    const SiteState st = site_state(index, site);
    const ProbeReport *r = index.find(site.probe);
    if (st.state == SiteState::Absent) {
      sites.add({"  " + site.name, "(not on this kernel)", "", ""});
      continue;
    }
    if (st.state == SiteState::Unwatched) {
      sites.add({"  " + site.name, "NOT WATCHED", "", ""});
      site_notes += "  " + site.name + ": " + st.evidence.how + "\n";
      continue;
    }
    sites.add({"  " + site.name, r->via, evidence_kind_name(r->evidence), r->bytes_from});
    for (const auto &alt : r->alternatives) {
      if (alt.attach_point == r->via)
        break; // the ones after it were not needed
      site_notes += "  " + site.name + " (not " + alt.attach_point + "): " + alt.reason + "\n";
    }
  }
  std::cout << sites.render();
  if (!site_notes.empty())
    std::cout << "\nwhy not better\n" << site_notes;

  if (o.json_path) {
    nlohmann::json doc;
    doc["schema"] = "zctrace.probes/1";
    doc["kernel"] = {
        {"release", kernel.release}, {"version", kernel.version}, {"machine", kernel.machine}};
    doc["probes"] = nlohmann::json::array();
    for (const auto &r : reports)
      doc["probes"].push_back(to_json(r));
    doc["copy_sites"] = nlohmann::json::array();
    for (const CopySite &site : copy_sites()) {
      const SiteState st = site_state(index, site);
      static const char *states[] = {"watched", "not watched", "not on this kernel"};
      doc["copy_sites"].push_back({{"site", site.name},
                                   {"probe", site.probe},
                                   {"direction", site.direction},
                                   {"zero_copy", site.zero_copy},
                                   {"state", states[st.state]},
                                   {"evidence", to_json(st.evidence)}});
    }
    write_json_atomically(*o.json_path, std::move(doc));
  }
  return 0;
}

} // namespace zc
