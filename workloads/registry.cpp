// The registry of copy methods: every file in workloads/methods/ adds its
// own (Registered<>), and the library is linked whole (see CMakeLists.txt)
// so that none is left out.
#include <algorithm>

#include "workload.h"

namespace zc::workloads {

namespace {

struct Registry {
  std::vector<std::pair<int, const Workload *>> ranked;
  std::vector<const Workload *> in_order;
};

// Built on first use: registration runs during static initialisation, in
// whatever order the method files' initialisers run.
Registry &registry() {
  static Registry r;
  return r;
}

} // namespace

void register_workload(const Workload &workload, int rank) {
  Registry &r = registry();
  const auto at = std::upper_bound(r.ranked.begin(), r.ranked.end(), rank,
                                   [](int k, const auto &entry) { return k < entry.first; });
  r.ranked.insert(at, {rank, &workload});
  r.in_order.clear();
  for (const auto &entry : r.ranked)
    r.in_order.push_back(entry.second);
}

const std::vector<const Workload *> &all_workloads() { return registry().in_order; }

const Workload *find_workload(std::string_view name) {
  const auto &all = all_workloads();
  auto it =
      std::find_if(all.begin(), all.end(), [&](const Workload *w) { return w->name() == name; });
  return it == all.end() ? nullptr : *it;
}

std::vector<std::string> workload_names() {
  std::vector<std::string> names;
  for (const Workload *w : all_workloads())
    names.emplace_back(w->name());
  return names;
}

} // namespace zc::workloads
