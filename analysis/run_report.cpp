#include "run_report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "claim_check.h"
#include "claims.h"
#include "figure_text.h"
#include "method_use.h"
#include "observation_text.h"
#include "signals.h"
#include "text_table.h"
#include "units.h"

namespace zc::analysis {

namespace {

std::string plural(std::optional<int> n, const char *one, const char *many) {
  return n ? count_of(*n, one, many) : "-";
}

std::string per_chunk(const Count &c, std::uint64_t chunks) {
  if (!c.value || chunks == 0)
    return "n/a";
  return fixed(static_cast<double>(*c.value) / static_cast<double>(chunks), 2);
}

// The passes timed with no probe loaded, on one line.
std::string timed_text(const Timing &t) {
  std::ostringstream out;
  out << "timed with no probe loaded: " << t.passes.size()
      << (t.passes.size() == 1 ? " pass" : " passes") << " after " << t.warmups
      << " warm-up discarded";
  auto figure = [&](const char *key, double scale, const char *unit) {
    const auto s = timing_spread(t, key);
    if (!s)
      return std::string("n/a");
    std::string text = fixed(s->median / scale, 0) + " " + unit + " median (" +
                       fixed(s->min / scale, 0) + ".." + fixed(s->max / scale, 0);
    text += s->interval ? "; 95% interval " + fixed(s->interval->low / scale, 0) + ".." +
                              fixed(s->interval->high / scale, 0)
                        : "; " + s->no_interval;
    return text + ")";
  };
  out << ": " << figure("throughput_bytes_per_s", 1024.0 * 1024.0, "MiB/s") << "; source CPU "
      << figure("source_cpu_ms_per_gib", 1, "ms/GiB");
  return out.str();
}

} // namespace

std::string render_run(const RunResult &r) {
  // Narrow (the default): evidence only with --wide (it is in the JSON too).
  const bool wide = text_width() == 0;
  std::ostringstream out;
  const RunParams &p = r.params;
  const std::uint64_t chunks = p.chunk ? (p.size + p.chunk - 1) / p.chunk : 0;
  out << "zctrace run " << p.method << ": " << format_size(p.size) << " in " << format_size(p.chunk)
      << " chunks (" << chunks << "), " << p.cache << " cache (" << r.cache.resident_before
      << " of " << r.cache.file_pages << " pages resident at start, " << r.cache.resident_after
      << " after), "
      << (p.fs ? p.filesystem + " made for the run (--fs: a " + format_size(p.fs->image_bytes) +
                     " image on " + p.fs->loop_device + ", removed after)"
               : p.filesystem + " at " + p.dir)
      << ", kernel " << r.kernel.release << "\n";
  out << "route: " << p.route << (p.io_wq ? "; io_uring requests through io-wq workers" : "")
      << (p.uncached ? "; the file read uncached (preadv2 with RWF_DONTCACHE)" : "")
      << (p.lease ? "; the source held a read lease on the file (F_SETLEASE)" : "")
      << (p.sink == "read_write_file" ? "; the sink read() the stream and write() it to a file"
          : p.sink == "splice_file"   ? "; the sink spliced the stream socket -> pipe -> file"
                                      : "")
      << "\n";
  for (const std::string &setting : p.kernel_settings)
    out << "for this run: " << setting << "\n";
  out << "integrity: "
      << (r.integrity.ok
              ? "ok, " + thousands(r.integrity.received_bytes) + " bytes arrived intact (crc32c)"
              : "FAILED: " + r.integrity.error)
      << "; throughput " << throughput(r.throughput_bytes_per_s) << " over "
      << ms(r.transfer_wall_ns) << " ms; " << lost_text(r) << "\n"
      << overhead_text(r) << "\n";
  if (const auto &d = r.destination)
    out << "destination file: " << thousands(d->bytes) << " bytes, "
        << (!d->shared_bytes ? "its extents unread: " + d->why_not
            : *d->shared_bytes == 0
                ? "none of it in extents shared with the data file: its bytes were written"
                : thousands(*d->shared_bytes) +
                      " of them in extents shared with the data file (FIEMAP): a reflink, "
                      "no data moved")
        << "\n";
  if (r.timed)
    out << timed_text(*r.timed) << "\n";
  for (const ProcessDeath &d : r.deaths)
    out << "DIED: the " << d.role << " (pid " << d.pid << ") was killed by "
        << signal_name(d.signal) << (d.core_dumped ? " (core dumped)" : "") << "\n";
  out << "\n";

  const auto method_claims = claims_for(r);
  std::vector<std::string> header = {"", "source", "sink"};
  for (const Claim *c : method_claims)
    header.push_back("claim: " + c->label);
  if (wide)
    header.push_back("evidence (source)");
  TextTable t(header);
  auto row = [&](std::string name, std::string src, std::string sink, auto claim_of,
                 const Evidence *ev) {
    std::vector<std::string> cells = {std::move(name), std::move(src), std::move(sink)};
    for (const Claim *c : method_claims)
      cells.push_back(claim_of(*c));
    if (wide)
      cells.push_back(ev ? evidence_text(*ev) : "");
    t.add(std::move(cells));
  };
  auto none = [](const Claim &) { return std::string(); };
  const Account &s = r.source;
  const Account &k = r.sink;
  row(
      "CPU copy passes", show(s.cpu_copy.passes, 2), show(k.cpu_copy.passes, 2),
      [](const Claim &c) { return plural(c.cpu_copies, "CPU copy", "CPU copies"); },
      &s.cpu_copy.bytes.evidence);
  row("  bytes copied", show(s.cpu_copy.bytes), show(k.cpu_copy.bytes), none, nullptr);
  row("by-reference passes", show(s.by_reference.passes, 2), show(k.by_reference.passes, 2), none,
      &s.by_reference.bytes.evidence);
  row(
      "device passes", show(s.device.passes, 2), show(k.device.passes, 2),
      [](const Claim &c) { return plural(c.dma_copies, "DMA copy", "DMA copies"); },
      &s.device.bytes.evidence);
  row("  storage / NIC bytes", pair(s.device.storage_bytes, s.device.nic_bytes),
      pair(k.device.storage_bytes, k.device.nic_bytes), none, &s.device.storage_bytes.evidence);
  row("  storage read / /proc read_bytes",
      pair(s.device.storage_read_bytes, s.rusage.io_read_bytes),
      pair(k.device.storage_read_bytes, k.rusage.io_read_bytes), none,
      &s.rusage.io_read_bytes.evidence);
  row("  DMA-mapped storage / NIC", pair(s.device.dma_storage_bytes, s.device.dma_nic_bytes),
      pair(k.device.dma_storage_bytes, k.device.dma_nic_bytes), none,
      &s.device.dma_mapped_bytes.evidence);
  row("  virtual device bytes (lo, veth)", show(s.device.virtual_bytes),
      show(k.device.virtual_bytes), none, &s.device.virtual_bytes.evidence);
  row("TCP resent bytes / segments", pair(s.tcp.retransmitted_bytes, s.tcp.retransmitted_segments),
      pair(k.tcp.retransmitted_bytes, k.tcp.retransmitted_segments), none,
      &s.tcp.retransmitted_bytes.evidence);
  row("mode switches", show(s.mode_switches), show(k.mode_switches), none,
      &s.mode_switches.evidence);
  // The articles count per buffer: their figure sits on the per-chunk row.
  row(
      "  per chunk", per_chunk(s.mode_switches, chunks), per_chunk(k.mode_switches, chunks),
      [](const Claim &c) {
        return plural(c.context_switches, "context switch", "context switches");
      },
      nullptr);
  row(
      "syscalls", show(s.syscalls.total), show(k.syscalls.total),
      [](const Claim &c) {
        std::string list;
        for (const auto &name : c.syscalls)
          list += (list.empty() ? "" : " / ") + name;
        return list;
      },
      &s.syscalls.total.evidence);
  row("scheduler switches vol / invol",
      pair(s.context_switches.voluntary, s.context_switches.involuntary),
      pair(k.context_switches.voluntary, k.context_switches.involuntary), none,
      &s.context_switches.voluntary.evidence);
  row("  rusage vol / invol", pair(s.rusage.voluntary_switches, s.rusage.involuntary_switches),
      pair(k.rusage.voluntary_switches, k.rusage.involuntary_switches), none,
      &s.rusage.voluntary_switches.evidence);
  row("page faults user / kernel", pair(s.page_faults.user, s.page_faults.kernel),
      pair(k.page_faults.user, k.page_faults.kernel), none, &s.page_faults.kernel.evidence);
  row("  minor / major (rusage)", pair(s.page_faults.minor, s.page_faults.major),
      pair(k.page_faults.minor, k.page_faults.major), none, &s.page_faults.minor.evidence);
  row("  file: fault-around / filemap_fault",
      pair(s.page_faults.file_fault_around, s.page_faults.file_fault),
      pair(k.page_faults.file_fault_around, k.page_faults.file_fault), none,
      &s.page_faults.file_fault_around.evidence);
  row("time wall / user / sys ms",
      ms(s.time.wall_ns) + " / " + ms(s.time.user_ns) + " / " + ms(s.time.sys_ns),
      ms(k.time.wall_ns) + " / " + ms(k.time.user_ns) + " / " + ms(k.time.sys_ns), none,
      &s.time.user_ns.evidence);
  out << t.render();

  if (std::any_of(method_claims.begin(), method_claims.end(),
                  [](const Claim *c) { return c->cpu_copies.has_value(); }))
    out << "\nClaims are per transfer on the sending host: compare them with the source. Their "
           "\"context switches\" are user/kernel mode switches (two per syscall); scheduler "
           "switches are counted apart.\n";
  for (const Claim *c : method_claims) {
    if (!c->statement)
      continue;
    out << "\nclaim (" << c->label << "): " << *c->statement << "\n";
    for (const Verdict &v : check_claim(*c, r))
      out << "  " << v.text << "\n";
  }

  out << "\nwhere the payload moved\n";
  std::vector<std::string> site_header = {"  role",     "site",  "direction",
                                          "in syscall", "bytes", "passes"};
  if (wide)
    site_header.push_back("evidence");
  TextTable sites(site_header);
  for (const Account *a : {&s, &k})
    for (const SiteRow &row : a->cpu_copy.by_site) {
      std::vector<std::string> cells = {"  " + a->role,
                                        row.site,
                                        row.direction + (row.cpu_copy ? " (CPU copy)" : ""),
                                        row.syscall,
                                        thousands(row.bytes),
                                        fixed(row.passes, 2)};
      if (wide)
        cells.push_back(evidence_text(row.evidence));
      sites.add(std::move(cells));
    }
  out << sites.render();
  if (!r.unattributed.payload.empty()) {
    out << "\nmoved for no workload that could be found\n";
    TextTable unowned({"  site", "direction", "in syscall", "bytes", "evidence"});
    for (const SiteRow &row : r.unattributed.payload)
      unowned.add({"  " + row.site, row.direction, row.syscall, thousands(row.bytes),
                   evidence_text(row.evidence)});
    out << unowned.render();
  }
  out << render_devices(r, {&s, &k});

  bool any_reported = false;
  TextTable told({"  role", "figure", "value", "meaning"});
  for (const Account *a : {&s, &k})
    for (const auto &[name, fig] : a->reported) {
      told.add({"  " + a->role, name, show(fig), fig.evidence.how});
      any_reported = true;
    }
  if (any_reported)
    out << "\nwhat the kernel told the workload\n" << told.render();
  out << render_zerocopy({&s, &k});
  out << render_signals({&s, &k});

  if (const auto uses = method_uses(r.flows, r.process_roles); !uses.empty())
    out << "\ncopy methods seen, by descriptor\n" << render_method_uses(uses);

  out << "\nsyscalls\n";
  TextTable calls({"  role", "syscall", "calls", "bytes", "errors", "time ms"});
  for (const Account *a : {&s, &k}) {
    std::vector<std::pair<std::string, SyscallRow>> rows(a->syscalls.by_name.begin(),
                                                         a->syscalls.by_name.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto &x, const auto &y) { return x.second.count > y.second.count; });
    for (const auto &[name, row] : rows)
      calls.add({"  " + a->role, name, thousands(row.count), row.bytes ? thousands(*row.bytes) : "",
                 thousands(row.errors), fixed(static_cast<double>(row.time_ns) / 1e6, 2)});
  }
  out << calls.render();

  std::string missing;
  for (const ProbeReport &probe : r.probes)
    if (!probe.attached)
      missing += "  " + probe.name + ": " + probe.reason + "\n";
  if (!missing.empty())
    out << "\nprobes not attached on this kernel\n" << missing;
  out << render_losses(r);
  if (!wide)
    out << "\n(--wide adds the evidence of each figure; the JSON always has it)\n";
  return out.str(); // standard output wraps its long lines (cli/wrapped_output)
}

} // namespace zc::analysis
