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

} // namespace zc
