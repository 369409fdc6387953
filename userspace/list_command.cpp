#include <iostream>

#include "claims.h"
#include "commands.h"
#include "workload.h"

namespace zc {

int list_command() {
  for (const workloads::Workload *w : workloads::all_workloads()) {
    std::cout << w->name() << "  " << w->summary() << "\n";
    for (std::string_view id : w->claims()) {
      const analysis::Claim *c = analysis::claims().find(id);
      if (!c)
        continue;
      std::string calls;
      for (const auto &s : c->syscalls)
        calls += (calls.empty() ? "" : " / ") + s;
      std::cout << "    claimed (" << c->label << "): " << c->cpu_copies << " CPU copies, "
                << c->dma_copies << " DMA copies, " << c->context_switches
                << " context switches, syscalls " << calls;
      if (c->condition)
        std::cout << "; when " << *c->condition;
      std::cout << "\n";
    }
  }
  return 0;
}

} // namespace zc
