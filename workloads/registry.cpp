#include <algorithm>

#include "methods.h"
#include "workload.h"

namespace zc::workloads {

const std::vector<const Workload *> &all_workloads() {
  static const ReadWrite read_write;
  static const MmapWrite mmap_write;
  static const Sendfile sendfile;
  static const Splice splice;
  static const std::vector<const Workload *> all = {&read_write, &mmap_write, &sendfile, &splice};
  return all;
}

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
