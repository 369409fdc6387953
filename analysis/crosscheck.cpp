#include "crosscheck.h"

#include <cmath>
#include <optional>

#include "bpf_abi.h"
#include "text_table.h"

namespace zc::analysis {

namespace {

// Bytes of an account's by_site rows at these sites.
std::uint64_t at_sites(const Account &a, std::initializer_list<std::uint16_t> sites) {
  std::uint64_t total = 0;
  for (const SiteRow &row : a.cpu_copy.by_site)
    for (std::uint16_t s : sites)
      if (row.site_id == s)
        total += row.bytes;
  return total;
}

std::uint64_t returned(const Account &a, std::initializer_list<const char *> syscalls) {
  std::uint64_t total = 0;
  for (const char *name : syscalls)
    if (auto it = a.syscalls.by_name.find(name); it != a.syscalls.by_name.end())
      total += it->second.bytes.value_or(0);
  return total;
}

// Did the process pin user memory through get_user_pages? Its rows say
// so: O_DIRECT (the device fills user pages), zero-copy sends (MSG_ZEROCOPY
// or io_uring SEND_ZC referencing user pages), vmsplice into a pipe. Those
// pages fault in without an exception, so rusage counts faults the fault
// tracepoints cannot see.
bool pins_user_pages(const Account &a) {
  for (const SiteRow &row : a.cpu_copy.by_site)
    if (row.bytes && (row.site_id == ZC_SITE_DIRECT_IO || row.site_id == ZC_SITE_TCP_ZEROCOPY ||
                      (row.site_id == ZC_SITE_VMSPLICE && row.dir == ZC_DIR_REFERENCE)))
      return true;
  return false;
}

// The figures of one process that the kernel's own accounting of it, or
// the process's own count, checks.
void check_process(const Account &a, const RunResult &r, std::vector<CrossCheck> &out) {
  const std::string &m = r.params.method;
  auto add = [&](const std::string &figure, const Count &measured, const Count &independent,
                 const std::string &route) {
    CrossCheck c{m, a.role + ": " + figure, 0, 0, route, {}, 0};
    if (!measured.value)
      c.not_comparable = "not measured here: " + measured.evidence.how;
    else if (!independent.value)
      c.not_comparable = "no independent figure: " + independent.evidence.how;
    else {
      c.measured = *measured.value;
      c.independent = *independent.value;
    }
    out.push_back(std::move(c));
  };
  add("storage bytes read", a.device.storage_read_bytes, a.rusage.io_read_bytes,
      "/proc/PID/io read_bytes");
  add("voluntary scheduler switches", a.context_switches.voluntary, a.rusage.voluntary_switches,
      "rusage ru_nvcsw, which lacks each exiting thread's last switch when wait4 reaped it first");
  out.back().may_lack = a.context_switches.exits.value.value_or(0);
  add("involuntary scheduler switches", a.context_switches.involuntary,
      a.rusage.involuntary_switches, "rusage ru_nivcsw");
  Count faults, rusage_faults;
  if (a.page_faults.user.value && a.page_faults.kernel.value)
    faults.value = *a.page_faults.user.value + *a.page_faults.kernel.value;
  else
    faults.evidence =
        a.page_faults.user.value ? a.page_faults.kernel.evidence : a.page_faults.user.evidence;
  if (a.page_faults.minor.value && a.page_faults.major.value)
    rusage_faults.value = *a.page_faults.minor.value + *a.page_faults.major.value;
  else
    rusage_faults.evidence = a.page_faults.minor.evidence;
  // A fault that fails (a copy from a mapping cut under it: VM_FAULT_SIGBUS
  // fixed up in kernel mode) raises the exception the tracepoints count, but
  // mm_account_fault() skips VM_FAULT_ERROR. A copy a fault stopped takes one
  // such fault, or two where the copy routine retries the rest byte by byte
  // and faults again (x86's __copy_user_nocache before Linus Torvalds'
  // rewrite of it in Linux 6.4: measured 2 in Debian's 6.1, 1 in 6.12 and
  // 6.18).
  const auto faulted = a.reported.find("write.faulted");
  add("page faults", faults, rusage_faults,
      faulted == a.reported.end()
          ? "rusage ru_minflt + ru_majflt"
          : "rusage ru_minflt + ru_majflt, which lacks each failed fault (mm_account_fault skips "
            "VM_FAULT_ERROR): one or two per write a fault stopped, by the workload's count");
  if (faulted != a.reported.end())
    out.back().may_lack = 2 * faulted->second.value.value_or(0);
  if (pins_user_pages(a))
    out.back().not_comparable =
        "it pinned user pages (get_user_pages: O_DIRECT, vmsplice, zero-copy sends), "
        "whose faults raise no exception for a tracepoint to see, though rusage counts them";
  add("DMA mapped for storage", a.device.dma_storage_bytes, a.device.storage_bytes,
      "its storage bytes (the bios the mappings serve)");
  Count packets_mapped = a.device.dma_nic_bytes;
  if (packets_mapped.value && a.device.nic_driver_extra_bytes.value &&
      a.device.nic_unmapped_bytes.value)
    packets_mapped.value = *packets_mapped.value - *a.device.nic_driver_extra_bytes.value +
                           *a.device.nic_unmapped_bytes.value;
  add("DMA mapped for NIC transmits, less the driver's headers", packets_mapped, a.device.nic_bytes,
      "its NIC bytes (the packets the mappings serve)");
  for (const auto &[name, fig] : a.reported) {
    if (name.rfind("calls.", 0) != 0 || !fig.value)
      continue;
    const std::string syscall = name.substr(6);
    Count counted;
    auto it = a.syscalls.by_name.find(syscall);
    counted.value = it == a.syscalls.by_name.end() ? 0 : it->second.count;
    add(syscall + "() calls", counted, fig, "the process's own count of its calls");
  }
}

} // namespace

double CrossCheck::ratio() const {
  if (independent == 0)
    return measured == 0 ? 1.0 : INFINITY;
  return static_cast<double>(measured) / static_cast<double>(independent);
}

bool CrossCheck::ok() const {
  if (!not_comparable.empty())
    return true;
  if (may_lack && independent <= measured && independent + may_lack >= measured)
    return true;
  return std::fabs(ratio() - 1.0) <= kCrosscheckTolerance;
}

std::vector<CrossCheck> crosscheck(const RunResult &r, const BpftraceCounts &bpftrace) {
  std::vector<CrossCheck> out;
  const std::string &m = r.params.method;
  const std::uint64_t received = r.integrity.received_bytes; // the sink's own count
  auto add = [&](std::string figure, std::uint64_t measured, std::uint64_t independent,
                 std::string route) {
    out.push_back({m, std::move(figure), measured, independent, std::move(route), {}, 0});
  };

  auto reported = [](const Account &a, const char *name) -> std::optional<std::uint64_t> {
    auto it = a.reported.find(name);
    if (it == a.reported.end() || !it->second.value)
      return std::nullopt;
    return *it->second.value;
  };
  // A site's rows measured by zctrace itself, not taken from the workload's
  // report (which is the independent route here).
  auto measured_at = [](const Account &a, std::uint16_t site) -> std::optional<std::uint64_t> {
    std::uint64_t total = 0;
    for (const SiteRow &row : a.cpu_copy.by_site) {
      if (row.site_id != site)
        continue;
      if (row.evidence.kind == EvidenceKind::Reported)
        return std::nullopt;
      total += row.bytes;
    }
    return total;
  };

  // The socket: what the source's send sites counted crossed it exactly
  // once; the sink copied it or mapped it.
  const std::uint64_t sent = at_sites(r.source, {ZC_SITE_TCP_SENDMSG, ZC_SITE_TCP_ZEROCOPY,
                                                 ZC_SITE_TCP_SENDPAGE, ZC_SITE_SOCK_SENDMSG});
  const std::uint64_t receive = at_sites(r.sink, {ZC_SITE_SKB_COPY_DATAGRAM});
  if (m == "copy_file_range") {
    // File to file: the copy_file_range calls' bytes were copied or shared.
    add("source: file -> file", at_sites(r.source, {ZC_SITE_FILE_WRITE, ZC_SITE_SHARED_EXTENTS}),
        returned(r.source, {"copy_file_range"}), "the source's copy_file_range() returns");
    add("source: file -> file", at_sites(r.source, {ZC_SITE_FILE_WRITE, ZC_SITE_SHARED_EXTENTS}),
        received, "the sink's read of the copy");
  } else {
    add("source: bytes handed to the socket", sent, received, "the sink's own count");
    const std::uint64_t mapped = at_sites(r.sink, {ZC_SITE_TCP_ZC_RECEIVE});
    add(mapped ? "sink: receive copies + mapped pages" : "sink: receive copies", receive + mapped,
        received, "the sink's own count");
    add("sink: receive copies", receive, returned(r.sink, {"read", "recvfrom", "recvmsg"}),
        "the sink's read() returns");
  }

  // The file side of each method.
  if (m == "read_write") {
    add("source: page cache -> user", at_sites(r.source, {ZC_SITE_FILEMAP_READ}),
        returned(r.source, {"read"}), "the source's read() returns");
    add("source: user -> socket", sent, returned(r.source, {"write"}),
        "the source's write() returns");
  } else if (m == "mmap_write") {
    add("source: mapping -> socket", sent, returned(r.source, {"write"}),
        "the source's write() returns");
  } else if (m == "sendfile") {
    add("source: page cache -> pipe", at_sites(r.source, {ZC_SITE_SPLICE_READ}),
        returned(r.source, {"sendfile"}), "the source's sendfile() returns");
  } else if (m == "splice") {
    // Each chunk is spliced twice (file -> pipe, pipe -> socket).
    const std::uint64_t spliced = returned(r.source, {"splice"});
    add("source: page cache -> pipe", at_sites(r.source, {ZC_SITE_SPLICE_READ}), spliced / 2,
        "half the source's splice() returns");
  } else if (m == "direct_io") {
    add("source: device -> user (O_DIRECT)", at_sites(r.source, {ZC_SITE_DIRECT_IO}),
        returned(r.source, {"read"}), "the source's read() returns");
  } else if (m == "tee") {
    add("source: pipe -> pipe (tee)", at_sites(r.source, {ZC_SITE_TEE}),
        returned(r.source, {"tee"}), "the source's tee() returns");
  } else if (m == "vmsplice") {
    add("source: user pages -> pipe", at_sites(r.source, {ZC_SITE_VMSPLICE}),
        returned(r.source, {"vmsplice"}), "the source's vmsplice() returns");
  } else if (m == "cow") {
    // The kernel's own count of the private pages: smaps' Anonymous.
    const auto parent = reported(r.source, "cow.parent_private_bytes");
    const auto child = reported(r.source, "cow.child_private_bytes");
    if (parent && child)
      add("source: copy-on-write copies", at_sites(r.source, {ZC_SITE_COW}), *parent + *child,
          "the Anonymous bytes of both processes' mappings (/proc/PID/smaps)");
  }
  // Where zctrace watched a site itself, the kernel's answer to the
  // workload is an independent count of it.
  // Sends the kernel reports copied were copied either later
  // (skb_copy_ubufs) or on the way to a device without scatter-gather.
  if (const auto copied = reported(r.source, "zerocopy.copied_bytes"))
    if (const auto at = measured_at(r.source, ZC_SITE_SKB_COPY_UBUFS))
      add("source: zero-copy sends copied after all",
          *at + at_sites(r.source, {ZC_SITE_XMIT_LINEARIZE}), *copied,
          "the completions' SO_EE_CODE_ZEROCOPY_COPIED sends");
  if (const auto mapped = reported(r.sink, "zc_receive.mapped_bytes"))
    if (const auto at = measured_at(r.sink, ZC_SITE_TCP_ZC_RECEIVE))
      add("sink: pages mapped", *at, *mapped, "TCP_ZEROCOPY_RECEIVE's zc.length");
  if (const auto read = reported(r.source, "uring.read_bytes"))
    if (const auto at = measured_at(r.source, ZC_SITE_FILEMAP_READ))
      add("source: page cache -> user (io_uring)", *at, *read, "the READ completions' results");
  for (const Account *a : {&r.source, &r.sink})
    check_process(*a, r, out);
  if (bpftrace.sink_receive_bytes)
    add("sink: receive copies", receive, *bpftrace.sink_receive_bytes,
        "bpftrace: skb:skb_copy_datagram_iovec len, comm zc-sink");
  if (bpftrace.source_send_bytes)
    add("source: bytes handed to the socket", sent, *bpftrace.source_send_bytes,
        "bpftrace: sock:sock_send_length ret, comm zc-source");
  return out;
}

std::string render_crosschecks(const std::vector<CrossCheck> &checks) {
  // One block per method; the route, last, wraps under itself.
  TextTable t({"  figure", "zctrace", "independent", "ratio", "", "independent route"});
  std::string last, skipped;
  for (const CrossCheck &c : checks) {
    if (!c.not_comparable.empty()) {
      skipped += "  " + c.method + ", " + c.figure + ": " + c.not_comparable + "\n";
      continue;
    }
    if (c.method != last)
      t.section(c.method);
    t.add({"  " + c.figure, thousands(c.measured), thousands(c.independent), fixed(c.ratio(), 4),
           c.ok() ? "ok" : "DIFFERS BY MORE THAN 1%", c.route});
    last = c.method;
  }
  return t.render() + (skipped.empty() ? "" : "\nnot comparable on these runs\n" + skipped);
}

nlohmann::json to_json(const CrossCheck &c) {
  if (!c.not_comparable.empty())
    return {{"method", c.method},  {"figure", c.figure},
            {"measured", nullptr}, {"independent", nullptr},
            {"route", c.route},    {"ratio", nullptr},
            {"ok", nullptr},       {"not_comparable", c.not_comparable}};
  return {{"method", c.method},     {"figure", c.figure},
          {"measured", c.measured}, {"independent", c.independent},
          {"route", c.route},       {"ratio", c.ratio()},
          {"ok", c.ok()},           {"not_comparable", nullptr}};
}

} // namespace zc::analysis
