#include <iostream>

#include "claims.h"
#include "commands.h"
#include "units.h"
#include "workload.h"

namespace zc {

namespace {

std::string figures(const analysis::Claim &c) {
  std::string out;
  auto add = [&](const std::optional<int> &n, const char *one, const char *many) {
    if (n)
      out += (out.empty() ? "" : ", ") + count_of(*n, one, many);
  };
  add(c.cpu_copies, "CPU copy", "CPU copies");
  add(c.dma_copies, "DMA copy", "DMA copies");
  add(c.context_switches, "context switch", "context switches");
  std::string calls;
  for (const auto &s : c.syscalls)
    calls += (calls.empty() ? "" : " / ") + s;
  if (!out.empty() && !calls.empty())
    out += ", syscalls " + calls;
  return out;
}

// The conditions a method takes beyond those every method takes, and what
// changes its answer.
std::string conditions(const workloads::Workload &w) {
  std::string out;
  auto add = [&](const std::string &text) { out += (out.empty() ? "" : "; ") + text; };
  if (w.uses_io_uring())
    add("--io-wq: every request through io-wq workers");
  if (w.reads_uncached())
    add("--uncached: reads with preadv2(RWF_DONTCACHE), Linux 6.14");
  if (w.sends_payload() && !w.loopback_only())
    add("--sg on|off: over a veth pair with scatter-gather on or off");
  if (w.loopback_only())
    add("loopback or --sg on only (the sink maps the sender's pages)");
  if (w.default_sink())
    add("--sink read|read_write_file|splice_file: how the sink consumes the stream");
  if (w.takes_lease())
    add("--lease on|off: the source holds a read lease on the file (F_SETLEASE) or not");
  if (w.writes_file())
    add("--fs xfs|btrfs|ext4 (or --dir on one): XFS and btrfs share extents (a reflink); ext4 "
        "copies");
  return out;
}

} // namespace

int list_command() {
  for (const workloads::Workload *w : workloads::all_workloads()) {
    std::cout << w->name() << "  " << w->summary() << "\n";
    const auto ids = w->claims();
    if (ids.empty())
      std::cout << "    the articles make no claim about it\n";
    for (std::string_view id : ids) {
      const analysis::Claim *c = analysis::claims().find(id);
      if (!c)
        continue;
      std::cout << "    claimed (" << c->label << "): ";
      const std::string f = figures(*c);
      std::string said = f.empty() ? *c->statement : f;
      if (c->condition) {
        if (!said.empty() && said.back() == '.')
          said.pop_back();
        said += "; when " + *c->condition;
      }
      std::cout << said << "\n";
    }
    if (const std::string more = conditions(*w); !more.empty())
      std::cout << "    conditions: " << more << "\n";
  }
  return 0;
}

} // namespace zc
