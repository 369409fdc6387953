#include "figure_text.h"

namespace zc::analysis {

std::string evidence_text(const Evidence &ev) {
  std::string s = evidence_kind_name(ev.kind);
  for (std::size_t i = 0; i < ev.probes.size(); ++i)
    s += (i ? ", " : " ") + ev.probes[i];
  return s;
}

std::string pair(const Count &a, const Count &b) { return show(a) + " / " + show(b); }

std::string ms(const Count &ns) {
  return ns.value ? fixed(static_cast<double>(*ns.value) / 1e6, 1) : "n/a";
}

std::string throughput(const Ratio &r) {
  if (!r.value)
    return "n/a";
  const double gib = *r.value / (1024.0 * 1024.0 * 1024.0);
  return gib >= 1 ? fixed(gib, 2) + " GiB/s" : fixed(*r.value / (1024.0 * 1024.0), 1) + " MiB/s";
}

} // namespace zc::analysis
