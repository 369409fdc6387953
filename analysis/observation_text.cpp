#include "observation_text.h"

#include <sstream>

#include "figure_text.h"
#include "signals.h"
#include "text_table.h"

namespace zc::analysis {

std::string overhead_text(const Observation &o) {
  const Overhead &c = o.overhead;
  if (!c.measured)
    return "cost of watching: not measured (" + c.why_not + ")";
  std::string per = c.ns_per_traced_syscall
                        ? thousands(static_cast<std::uint64_t>(*c.ns_per_traced_syscall + 0.5)) +
                              " ns per traced syscall"
                        : "no traced syscall";
  return "cost of watching: " + per + " (" + fixed(static_cast<double>(c.run_time_ns) / 1e6, 2) +
         " ms in " + thousands(c.program_runs) + " program runs over " +
         thousands(c.traced_syscalls) + " traced syscalls; the kernel's run statistics)";
}

std::string lost_text(const Observation &o) {
  const std::string events = o.events.enabled ? "lost events " + thousands(o.events.lost) + " of " +
                                                    thousands(o.events.submitted + o.events.lost)
                                              : "events not streamed (--trace streams them)";
  return events + "; probe runs missed " + thousands(o.probe_runs_missed);
}

std::string render_devices(const Observation &o, const std::vector<const Account *> &accounts) {
  TextTable t({"  role", "device", "serves", "kind", "what", "bytes", "count"});
  bool any = false;
  auto add = [&](const std::string &role, const DeviceRow &d) {
    t.add(
        {"  " + role, d.device, d.serves, d.kind, d.what, thousands(d.bytes), thousands(d.count)});
    any = true;
  };
  for (const Account *a : accounts)
    for (const DeviceRow &d : a->device.by_device)
      add(a->role, d);
  for (const DeviceRow &d : o.unattributed.by_device)
    add("(none)", d);
  if (!any)
    return {};
  return "\ndevices: storage bios and DMA mappings\n" + t.render();
}

std::string render_losses(const Observation &o) {
  std::string out;
  const UpdatesLost &l = o.lost;
  auto warn = [&](std::uint64_t n, const std::string &what) {
    if (n)
      out += "WARNING: " + thousands(n) + " " + what + "\n";
  };
  warn(l.counter_updates, "counter updates found the in-kernel map full and were lost");
  warn(l.owner_records, "socket or bio owners could not be recorded");
  warn(l.task_contexts, "thread contexts could not be created");
  warn(l.fault_lookups,
       "write faults could not be told copy-on-write or not (their mapping was busy)");
  warn(l.buffer_lookups, "writes' buffers could not be looked up (their mapping was busy): "
                         "mmap+write or not is undecided for them");
  warn(l.flows, "descriptor flows could not be recorded");
  warn(l.devices, "device counters or names could not be recorded");
  warn(l.processes, "forked processes could not be followed (zc_targets was full)");
  for (const ProgramStat &p : o.programs)
    warn(p.recursion_misses, "runs of " + p.name +
                                 " were skipped by the kernel (an event arrived while it was "
                                 "already running on that CPU)");
  return out.empty() ? out : "\n" + out;
}

std::string render_signals(const std::vector<const Account *> &accounts) {
  std::ostringstream out;
  TextTable t({"  role", "signal", "generated", "queued", "not queued", "sent by"});
  bool any = false;
  for (const Account *a : accounts) {
    if (!a->signals.generated.value) {
      out << "\nsignals to the " << a->role << ": " << a->signals.generated.evidence.how << "\n";
      continue;
    }
    for (const auto &[name, row] : a->signals.by_signal) {
      const std::uint64_t others = row.generated - row.from_itself;
      t.add({"  " + a->role, name, thousands(row.generated), thousands(row.queued),
             thousands(row.not_queued),
             row.from_itself == row.generated ? "itself"
             : row.from_itself == 0           ? "another process"
                                    : thousands(row.from_itself) + " itself, " + thousands(others) +
                                          " another process"});
      any = true;
    }
  }
  if (any)
    out << "\nsignals the kernel generated (signal:signal_generate)\n" << t.render();
  return out.str();
}

std::string render_zerocopy(const std::vector<const Account *> &accounts) {
  TextTable t({"  role", "asked sends", "asked bytes", "completions cover", "copied anyway",
               "bytes copied later"});
  bool any = false;
  for (const Account *a : accounts) {
    const auto &z = a->zerocopy;
    if (!z.asked_sends.value.value_or(0) && !z.completed_sends.value.value_or(0))
      continue;
    t.add({"  " + a->role, show(z.asked_sends), show(z.asked_bytes), show(z.completed_sends),
           show(z.copied_sends), show(z.copied_bytes)});
    any = true;
  }
  if (!any)
    return {};
  return "\nzero-copy sends, and what the kernel said of them (whether or not the program "
         "looked)\n" +
         t.render();
}

} // namespace zc::analysis
