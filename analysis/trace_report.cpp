#include "trace_report.h"

#include <algorithm>
#include <sstream>

#include "figure_text.h"
#include "method_use.h"
#include "observation_text.h"
#include "signals.h"

namespace zc::analysis {

namespace {

// The evidence of a figure, and why it is missing when it is.
template <typename T> std::string evidence_of(const Figure<T> &f) {
  return f.value ? evidence_text(f.evidence) : "n/a: " + f.evidence.how;
}

std::string ending(const TraceResult &t) {
  std::string how = t.ended;
  if (t.exit_status)
    how += std::string(how.empty() ? "" : "; ") + "the command's status " +
           std::to_string(*t.exit_status);
  if (t.exit_signal)
    how += std::string(how.empty() ? "" : "; ") + "the command was ended by " +
           signal_name(*t.exit_signal);
  return how;
}

} // namespace

std::map<std::uint32_t, std::string> trace_roles(const TraceResult &t) {
  std::map<std::uint32_t, std::string> roles;
  for (const FlowSample &f : t.flows)
    roles[f.key.tgid] = "child";
  for (const FollowedProcess &p : t.followed)
    roles[p.pid] = p.ppid ? "child" : "program";
  for (std::uint32_t root : t.roots)
    roles[root] = "program";
  return roles;
}

static std::string render_followed(const TraceResult &t) {
  std::map<std::string, std::vector<std::uint32_t>> by_name;
  for (const FollowedProcess &p : t.followed)
    by_name[p.name].push_back(p.pid);
  std::string out;
  for (const auto &[name, pids] : by_name) {
    std::string list;
    for (std::size_t i = 0; i < pids.size() && i < 8; ++i)
      list += (list.empty() ? "" : " ") + std::to_string(pids[i]);
    if (pids.size() > 8)
      list += " and " + std::to_string(pids.size() - 8) + " more";
    out += (out.empty() ? "" : ", ") + terminal_safe(name) + " (" + list + ")";
  }
  return std::to_string(t.followed.size()) + " process" + (t.followed.size() == 1 ? "" : "es") +
         ": " + out;
}

std::string render_trace(const TraceResult &t) {
  std::ostringstream out;
  const Account &a = t.account;
  out << "zctrace trace " << terminal_safe(t.target) << ": "
      << fixed(static_cast<double>(t.wall_ns) / 1e9, 2) << " s on kernel " << t.kernel.release;
  if (const std::string e = ending(t); !e.empty())
    out << "; " << e;
  out << "\nfollowed " << render_followed(t) << "\n";
  if (!t.containment.empty())
    out << "the command's processes were kept in " << t.containment << "\n";
  out << lost_text(t) << "; no integrity check: the data is the program's own\n";
  out << overhead_text(t) << "\n";
  if (t.partial)
    out << "PARTIAL: " << t.partial_reason << "\n";
  out << "\n";
  TextTable figures({"", "program (and its children)", "evidence"});
  figures.add({"bytes the CPU copied", show(a.cpu_copy.bytes), evidence_of(a.cpu_copy.bytes)});
  figures.add({"bytes handed on by reference", show(a.by_reference.bytes),
               evidence_of(a.by_reference.bytes)});
  figures.add({"device bytes storage / NIC", pair(a.device.storage_bytes, a.device.nic_bytes),
               evidence_of(a.device.bytes)});
  figures.add({"syscalls", show(a.syscalls.total), evidence_of(a.syscalls.total)});
  figures.add({"mode switches", show(a.mode_switches), evidence_of(a.mode_switches)});
  figures.add({"scheduler switches vol / invol",
               pair(a.context_switches.voluntary, a.context_switches.involuntary),
               evidence_of(a.context_switches.voluntary)});
  figures.add({"page faults user / kernel", pair(a.page_faults.user, a.page_faults.kernel),
               evidence_of(a.page_faults.user)});
  out << figures.render();

  if (const auto uses = method_uses(t.flows, trace_roles(t)); !uses.empty())
    out << "\ncopy methods seen, by descriptor\n" << render_method_uses(uses);

  if (!a.cpu_copy.by_site.empty()) {
    out << "\nwhere data moved\n";
    TextTable sites({"  site", "direction", "in syscall", "bytes", "evidence"});
    for (const SiteRow &row : a.cpu_copy.by_site)
      sites.add({"  " + row.site, row.direction + (row.cpu_copy ? " (CPU copy)" : ""), row.syscall,
                 thousands(row.bytes), evidence_text(row.evidence)});
    out << sites.render();
  }
  out << "\nsyscalls\n";
  std::vector<std::pair<std::string, SyscallRow>> rows(a.syscalls.by_name.begin(),
                                                       a.syscalls.by_name.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto &x, const auto &y) { return x.second.count > y.second.count; });
  TextTable calls({"  syscall", "calls", "bytes", "errors"});
  for (const auto &[name, row] : rows)
    calls.add({"  " + name, thousands(row.count), row.bytes ? thousands(*row.bytes) : "",
               thousands(row.errors)});
  out << calls.render();
  out << render_devices(t, {&t.account});
  out << render_zerocopy({&t.account});
  out << render_signals({&t.account});
  out << render_losses(t);
  return out.str();
}

} // namespace zc::analysis
