#include "probe_report.h"

namespace zc {

const ProbeReport *ProbeIndex::find(std::string_view name) const {
  for (const auto &r : reports_)
    if (r.name == name)
      return &r;
  return nullptr;
}

const ProbeReport *ProbeIndex::attached(std::string_view name) const {
  const ProbeReport *r = find(name);
  return (r && r->attached) ? r : nullptr;
}

std::string attached_summary(const std::vector<ProbeReport> &reports) {
  std::size_t attached = 0;
  for (const auto &r : reports)
    attached += r.attached;
  return std::to_string(attached) + " of " + std::to_string(reports.size()) + " probes attached";
}

} // namespace zc
