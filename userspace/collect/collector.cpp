#include "collector.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "copy_sites.h"
#include "signals.h"
#include "syscall_names.h"

namespace zc {

namespace {

// The syscall an event happened in, "(none)" outside any.
std::string syscall_label(std::uint16_t nr) {
  return nr == ZC_NO_SYSCALL ? "(none)" : syscall_name(nr);
}

// Weakest evidence kind wins when figures are combined.
int strength(EvidenceKind k) {
  switch (k) {
  case EvidenceKind::Site:
    return 4;
  case EvidenceKind::Tracepoint:
    return 3;
  case EvidenceKind::Reported:
    return 2;
  case EvidenceKind::Derived:
    return 1;
  default:
    return 0;
  }
}

void merge_into(Evidence &into, const Evidence &from) {
  for (const auto &p : from.probes)
    if (std::find(into.probes.begin(), into.probes.end(), p) == into.probes.end())
      into.probes.push_back(p);
  if (into.kind == EvidenceKind::Unavailable || strength(from.kind) < strength(into.kind))
    into.kind = from.kind;
}

std::string not_attached(const ProbeIndex &probes, std::string_view name) {
  const ProbeReport *known = probes.find(name);
  return std::string(name) + " is not attached" +
         (known && !known->reason.empty() ? ": " + known->reason : "");
}

// Evidence of a figure measured by a set of probes that must all be attached.
// With one missing, the figure is unavailable, and the evidence says why.
Evidence all_of(const ProbeIndex &probes, std::initializer_list<std::string_view> names,
                std::string how, bool derived = false) {
  Evidence ev;
  for (std::string_view name : names) {
    const ProbeReport *r = probes.attached(name);
    if (!r)
      return {EvidenceKind::Unavailable, {}, not_attached(probes, name)};
    merge_into(ev, {r->evidence, {r->via}, ""});
  }
  if (derived)
    ev.kind = EvidenceKind::Derived;
  ev.how = std::move(how);
  return ev;
}

// Evidence of a figure any one of several probes measures (alternative
// sources of the same thing, e.g. the two DMA mapping probes).
Evidence any_of(const ProbeIndex &probes, std::initializer_list<std::string_view> names,
                std::string how) {
  Evidence ev;
  std::string missing;
  for (std::string_view name : names) {
    if (const ProbeReport *r = probes.attached(name))
      merge_into(ev, {r->evidence, {r->via}, ""});
    else
      missing += (missing.empty() ? "" : "; ") + not_attached(probes, name);
  }
  ev.how = ev.probes.empty() ? missing : std::move(how);
  return ev;
}

Count count_of(std::uint64_t value, Evidence ev) {
  Count c;
  c.evidence = std::move(ev);
  if (c.evidence.kind != EvidenceKind::Unavailable)
    c.value = value;
  return c;
}

Ratio passes_of(const Count &bytes, std::uint64_t payload, const std::string &what) {
  Ratio r;
  if (!bytes.value || payload == 0) {
    r.evidence.kind = EvidenceKind::Unavailable;
    r.evidence.how = bytes.evidence.how;
    return r;
  }
  r.value = static_cast<double>(*bytes.value) / static_cast<double>(payload);
  r.evidence.kind = EvidenceKind::Derived;
  r.evidence.probes = bytes.evidence.probes;
  r.evidence.how = what + " / payload size (" + std::to_string(payload) + " bytes)";
  return r;
}

// The payload rows of one role, grouped by (site, direction, syscall), largest first.
std::vector<SiteRow> payload_rows(std::uint8_t role, const RawCounters &counters,
                                  const ProbeIndex &probes, std::uint64_t payload) {
  std::map<std::tuple<std::uint16_t, std::uint8_t, std::uint16_t>, zc_counter_val> groups;
  for (const auto &s : counters.samples) {
    if (s.key.kind != ZC_KIND_PAYLOAD || s.key.role != role)
      continue;
    auto &g = groups[{s.key.site, s.key.dir, s.key.id}];
    g.count += s.val.count;
    g.bytes += s.val.bytes;
  }
  std::vector<SiteRow> rows;
  for (const auto &[key, val] : groups) {
    const auto [site_id, dir, nr] = key;
    const CopySite *site = find_copy_site(site_id);
    SiteRow row;
    row.site = site ? site->name : "site_" + std::to_string(site_id);
    row.site_id = site_id;
    row.dir = dir;
    row.direction = direction_name(dir);
    row.syscall = syscall_label(nr);
    row.cpu_copy = dir == ZC_DIR_USER_TO_KERNEL || dir == ZC_DIR_KERNEL_TO_USER ||
                   dir == ZC_DIR_KERNEL_TO_KERNEL;
    row.bytes = val.bytes;
    row.events = val.count;
    row.passes = payload ? static_cast<double>(val.bytes) / static_cast<double>(payload) : 0;
    if (site)
      row.evidence = site_state(probes, *site).evidence;
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(),
            [](const SiteRow &x, const SiteRow &y) { return x.bytes > y.bytes; });
  return rows;
}

const ReportedFigure *find_reported(const ProcessObservation &p, std::string_view name) {
  for (const ReportedFigure &f : p.reported)
    if (f.name == name)
      return &f;
  return nullptr;
}

// A row whose bytes the kernel's answer to the workload gives, for a site
// nothing watches on this kernel.
SiteRow reported_row(std::uint16_t site_id, std::uint8_t dir, const ReportedFigure &fig,
                     std::uint64_t payload, const std::string &why_unwatched) {
  const CopySite *site = find_copy_site(site_id);
  SiteRow row;
  row.site_id = site_id;
  row.dir = dir;
  row.site = site ? site->name : "site_" + std::to_string(site_id);
  row.direction = direction_name(dir);
  row.syscall = "(not watched)";
  row.cpu_copy = dir == ZC_DIR_USER_TO_KERNEL || dir == ZC_DIR_KERNEL_TO_USER ||
                 dir == ZC_DIR_KERNEL_TO_KERNEL;
  row.bytes = fig.value;
  row.passes = payload ? static_cast<double>(fig.value) / static_cast<double>(payload) : 0;
  row.evidence = {EvidenceKind::Reported,
                  {},
                  fig.name + ": " + fig.meaning + " (the site itself: " + why_unwatched + ")"};
  return row;
}

// The copy a route without scatter-gather costs: paged bytes queued for
// transmit that reached the driver linear (bpf/net.bpf.c).
void add_linearize_row(std::vector<SiteRow> &rows, std::uint8_t role, const RawCounters &counters,
                       const ProbeIndex &probes, std::uint64_t payload) {
  const CopySite *site = find_copy_site(ZC_SITE_XMIT_LINEARIZE);
  const SiteState st = site_state(probes, *site);
  if (st.state != SiteState::Watched)
    return;
  auto paged = [&](std::uint16_t which) {
    return counters
        .sum([&](const zc_counter_key &k) {
          return k.role == role && k.kind == ZC_KIND_NET && k.site == which;
        })
        .bytes;
  };
  const std::uint64_t queued = paged(ZC_NET_QUEUED_PAGED), sent = paged(ZC_NET_XMIT_PAGED);
  if (queued <= sent)
    return;
  SiteRow row;
  row.site_id = site->id;
  row.dir = ZC_DIR_KERNEL_TO_KERNEL;
  row.site = site->name;
  row.direction = direction_name(row.dir);
  row.syscall = "(transmit)";
  row.cpu_copy = true;
  row.bytes = queued - sent;
  row.passes = payload ? static_cast<double>(row.bytes) / static_cast<double>(payload) : 0;
  row.evidence = st.evidence;
  row.evidence.how = std::to_string(queued) + " paged bytes queued, " + std::to_string(sent) +
                     " paged bytes reached the driver; " + st.evidence.how;
  rows.push_back(std::move(row));
}

void build_payload(Account &a, std::uint8_t role, const RawCounters &counters,
                   const ProbeIndex &probes, const ProcessObservation &process,
                   std::uint64_t payload) {
  // The deferred MSG_ZEROCOPY copy, where watched, lands in the account of
  // whoever's context it runs in; where not watched, the sender's
  // completions report all of it: only the sender's account needs it.
  const bool zerocopy_sent_here =
      std::any_of(counters.samples.begin(), counters.samples.end(), [&](const CounterSample &s) {
        return s.key.kind == ZC_KIND_PAYLOAD && s.key.site == ZC_SITE_TCP_ZEROCOPY &&
               s.key.role == role;
      });
  a.cpu_copy.by_site = payload_rows(role, counters, probes, payload);
  add_linearize_row(a.cpu_copy.by_site, role, counters, probes, payload);

  // A total is only as good as its coverage: every copy site the kernel has
  // must be watched (the deferred MSG_ZEROCOPY copy only once such a send
  // happened), or its bytes reported by the kernel to the workload, and
  // every byte seen must have been told copy or reference. Otherwise the
  // total is null and says what it lacks; by_site keeps what was seen.
  Evidence watched, watching_references;
  std::string unwatched, unwatched_handoffs, incidental;
  auto note = [](std::string &list, const CopySite &site, const SiteState &st) {
    if (list.find(site.name + " (") == std::string::npos)
      list += (list.empty() ? "" : "; ") + site.name + " (" + st.evidence.how + ")";
  };
  for (const CopySite &site : copy_sites()) {
    const SiteState st = site_state(probes, site);
    if (st.state == SiteState::Watched) {
      merge_into(watched, st.evidence);
      if (site.socket_handoff)
        merge_into(watching_references, st.evidence);
      continue;
    }
    if (st.state == SiteState::Absent)
      continue;
    if (const ReportedFigure *fig =
            site.reported_as.empty() ? nullptr : find_reported(process, site.reported_as)) {
      ReportedFigure rest = *fig;
      std::uint64_t overlap = 0;
      for (const SiteRow &row : a.cpu_copy.by_site)
        if (site.reported_overlaps && row.site_id == site.reported_overlaps)
          overlap += row.bytes;
      rest.value = fig->value > overlap ? fig->value - overlap : 0;
      if (overlap)
        rest.meaning += ", less the " + std::to_string(overlap) + " bytes " +
                        find_copy_site(site.reported_overlaps)->name + " was seen copying";
      if (rest.value)
        a.cpu_copy.by_site.push_back(
            reported_row(site.id, site.reported_dir, rest, payload, st.evidence.how));
      continue;
    }
    if (site.only_when_reported)
      continue;
    if (site.socket_handoff)
      note(unwatched_handoffs, site, st);
    if (!site.may_copy || site.refines_another || (site.follows_zerocopy && !zerocopy_sent_here))
      continue;
    note(site.incidental ? incidental : unwatched, site, st);
  }

  // Page-cache lookups the tracepoint tier of filemap_read saw where nothing
  // sized them. Lookups inside syscalls are sized by their return (the read
  // family), as references (sendfile, splice, copy_file_range), by the task's
  // read accounting (kernel_read: execve), by libaio's iocbs; the BPF side
  // counts the syscalls where none of that could (ZC_FILEMAP_UNSIZED).
  // io_uring's lookups (in io_uring_enter, or in its io-wq workers outside
  // any syscall) are sized by its requests' completions.
  const ProbeReport *filemap = probes.attached("copies:filemap_read");
  std::string unsized;
  if (filemap && filemap->evidence != EvidenceKind::Site) {
    static const std::uint16_t uring_enter =
        static_cast<std::uint16_t>(syscall_number("io_uring_enter"));
    std::map<std::string, std::uint64_t> unsized_in;
    std::uint64_t ring_lookups = 0;
    for (const CounterSample &c : counters.samples) {
      if (c.key.role != role || c.key.kind != ZC_KIND_FILEMAP)
        continue;
      if (c.key.site == ZC_FILEMAP_UNSIZED)
        unsized_in[syscall_label(c.key.id)] += c.val.count;
      else if (c.key.site == ZC_FILEMAP_GET_PAGES &&
               (c.key.id == ZC_NO_SYSCALL || c.key.id == uring_enter))
        ring_lookups += c.val.count;
    }
    const bool ring_used =
        counters
            .sum([&](const zc_counter_key &k) {
              return k.role == role && ((k.kind == ZC_KIND_SYSCALL && k.id == uring_enter) ||
                                        (k.kind == ZC_KIND_ASYNC && k.site <= ZC_ASYNC_URING_RECV));
            })
            .count > 0;
    const bool ring_reads_sized =
        probes.attached("copies:io_uring_complete") &&
        counters.sum([&](const zc_counter_key &k) {
                  return k.role == role && k.kind == ZC_KIND_ASYNC && k.site == ZC_ASYNC_URING_READ;
                })
                .count > 0;
    if (ring_lookups && !ring_reads_sized) {
      if (const ReportedFigure *fig = find_reported(process, "uring.read_bytes"))
        a.cpu_copy.by_site.push_back(
            reported_row(ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, *fig, payload,
                         std::to_string(ring_lookups) +
                             " page-cache lookups of io_uring requests could not "
                             "be sized through " +
                             filemap->via));
      else
        unsized = std::to_string(ring_lookups) + " page-cache lookups " +
                  (ring_used ? "of io_uring requests (io_uring:io_uring_complete is not attached)"
                             : "outside any syscall, by a kernel thread of the process") +
                  " could not be sized";
    }
    for (const auto &[name, calls] : unsized_in)
      unsized += (unsized.empty() ? "" : "; ") + std::string("page-cache lookups in ") +
                 std::to_string(calls) + " " + name + "() call" + (calls == 1 ? "" : "s") +
                 " could not be sized (the kernel keeps no read accounting for them)";
  }
  std::sort(a.cpu_copy.by_site.begin(), a.cpu_copy.by_site.end(),
            [](const SiteRow &x, const SiteRow &y) { return x.bytes > y.bytes; });

  std::uint64_t copied = 0, referenced = 0;
  std::string undetermined_at;
  Evidence copy_ev, ref_ev;
  for (const SiteRow &row : a.cpu_copy.by_site) {
    const CopySite *site = find_copy_site(row.site_id);
    if (row.cpu_copy) {
      copied += row.bytes;
      merge_into(copy_ev, row.evidence);
    } else if (row.dir == ZC_DIR_REFERENCE && site && site->in_by_reference) {
      referenced += row.bytes;
      merge_into(ref_ev, row.evidence);
    } else if (row.dir == ZC_DIR_UNKNOWN) {
      a.cpu_copy.undetermined_bytes += row.bytes;
      // The sites whose own probe could have told, not attached here.
      const std::string at = site ? site->name + " (" + site->probe + ")" : row.site;
      if (undetermined_at.find(at) == std::string::npos)
        undetermined_at += (undetermined_at.empty() ? "" : ", ") + at;
    }
  }

  const std::uint64_t undetermined = a.cpu_copy.undetermined_bytes;
  const std::string seen = std::to_string(copied) + " bytes copied and " +
                           std::to_string(referenced) + " passed by reference were seen";
  std::string missing;
  if (!unwatched.empty())
    missing = "incomplete on this kernel, not watched: " + unwatched + "; " + seen;
  else if (undetermined)
    missing = std::to_string(undetermined) +
              " bytes moved where copy or reference could not be told from what is watched "
              "here, at " +
              undetermined_at + "; " + seen;
  else if (!unsized.empty())
    missing = unsized + " through " + filemap->via + "; " + seen;
  const std::string incidental_note =
      incidental.empty() ? "" : "; incidental copies not watched: " + incidental;

  if (!missing.empty()) {
    a.cpu_copy.bytes.evidence.how = missing;
  } else {
    Evidence ev = copied ? copy_ev : watched;
    ev.how =
        (copied ? "sum of the CPU-copy rows of by_site" : "no CPU copy seen at any watched site") +
        incidental_note;
    a.cpu_copy.bytes = count_of(copied, std::move(ev));
  }
  // Hand-offs by reference: every site that can make one must be watched.
  std::string missing_refs = missing;
  if (missing_refs.empty() && !unwatched_handoffs.empty())
    missing_refs = "not watched on this kernel: " + unwatched_handoffs;
  if (!missing_refs.empty() || watching_references.kind == EvidenceKind::Unavailable) {
    a.by_reference.bytes.evidence.how =
        missing_refs.empty() ? "no watched site can tell a page-reference hand-off on this kernel"
                             : missing_refs;
  } else {
    Evidence ev = referenced ? ref_ev : watching_references;
    ev.how = referenced ? "sum of the rows of by_site handed on by page reference (to a socket, "
                          "to a receiver's mapping, or shared by a filesystem)"
                        : "no page-reference hand-off seen at any watched site";
    a.by_reference.bytes = count_of(referenced, std::move(ev));
  }
  a.cpu_copy.passes = passes_of(a.cpu_copy.bytes, payload, "cpu_copy.bytes");
  a.by_reference.passes = passes_of(a.by_reference.bytes, payload, "by_reference.bytes");
}

// What the probes learnt a device is (zc_devices): a disk, an ancestor of a
// disk (storage), of a net device (NIC), or unknown.
struct DeviceClass {
  std::uint8_t cls = ZC_DEV_UNKNOWN;
  std::string name;
  std::string serves;
};

DeviceClass device_class(const RawCounters &c, std::uint64_t dev) {
  auto it = c.device_info.find(dev);
  if (it == c.device_info.end())
    return {ZC_DEV_UNKNOWN,
            "device at 0x" +
                [&] {
                  char buf[17];
                  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(dev));
                  return std::string(buf);
                }(),
            ""};
  const zc_device &d = it->second;
  auto text = [](const char *s, std::size_t n) { return std::string(s, strnlen(s, n)); };
  return {d.cls, text(d.name, sizeof(d.name)), text(d.of, sizeof(d.of))};
}

std::string class_name(std::uint8_t cls) {
  switch (cls) {
  case ZC_DEV_DISK:
  case ZC_DEV_STORAGE:
    return "storage";
  case ZC_DEV_NIC:
    return "NIC";
  default:
    return "unknown";
  }
}

std::string storage_what(std::uint8_t dir) {
  switch (dir) {
  case ZC_BLOCK_READ:
    return "read";
  case ZC_BLOCK_WRITE:
    return "write";
  case ZC_BLOCK_READ_FAILED:
    return "read failed";
  default:
    return "write failed";
  }
}

std::string dma_what(std::uint8_t dir) {
  switch (dir) {
  case ZC_DMA_TO_DEVICE:
    return "DMA to device";
  case ZC_DMA_FROM_DEVICE:
    return "DMA from device";
  default:
    return "DMA both ways";
  }
}

// A NIC's receive buffers: mapped for the device to fill with whatever
// arrives next, in whatever context refills its ring.
bool receive_buffers(const DeviceClass &c, std::uint8_t dir) {
  return c.cls == ZC_DEV_NIC && dir == ZC_DMA_FROM_DEVICE;
}

DeviceRow device_row(const RawCounters &c, const DeviceSample &s) {
  const DeviceClass cls = device_class(c, s.key.dev);
  DeviceRow row;
  row.device = cls.name;
  row.serves = cls.serves;
  row.bytes = s.val.bytes;
  row.count = s.val.count;
  if (s.key.kind == ZC_DEVK_STORAGE) {
    row.kind = "storage";
    row.what = storage_what(s.key.dir);
  } else {
    row.kind = class_name(cls.cls);
    row.what = dma_what(s.key.dir) + (receive_buffers(cls, s.key.dir) ? " (receive buffers)" : "");
  }
  return row;
}

void sort_rows(std::vector<DeviceRow> &rows) {
  std::sort(rows.begin(), rows.end(), [](const DeviceRow &x, const DeviceRow &y) {
    return std::tie(x.kind, x.device, x.what) < std::tie(y.kind, y.device, y.what);
  });
}

// The names of the devices of one class seen (disks, or the net devices
// NICs serve), for saying which one mapped nothing.
std::string names_of(const RawCounters &c, std::uint8_t cls) {
  std::set<std::string> names;
  for (const auto &[dev, d] : c.device_info)
    if (d.cls == cls)
      names.insert(std::string(d.of, strnlen(d.of, sizeof(d.of))));
  std::string out;
  for (const auto &n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

void build_device(Account &a, std::uint8_t role, const RawCounters &counters,
                  const ProbeIndex &probes, std::uint64_t payload) {
  auto site_sum = [&](std::uint8_t kind, std::uint16_t site) {
    return counters
        .sum([&](const zc_counter_key &k) {
          return k.role == role && k.kind == kind && k.site == site;
        })
        .bytes;
  };
  auto minus = [](std::uint64_t x, std::uint64_t y) { return x > y ? x - y : 0; };
  const bool failures_seen = probes.attached("block:block_bio_complete") != nullptr;
  const std::string failures =
      failures_seen ? ", less those that completed with an error (block_bio_complete)"
                    : "; bios that then failed are not taken off (block_bio_complete is not "
                      "attached)";
  const std::uint64_t read =
      minus(site_sum(ZC_KIND_BLOCK, ZC_BLOCK_READ), site_sum(ZC_KIND_BLOCK, ZC_BLOCK_READ_FAILED));
  const std::uint64_t written = minus(site_sum(ZC_KIND_BLOCK, ZC_BLOCK_WRITE),
                                      site_sum(ZC_KIND_BLOCK, ZC_BLOCK_WRITE_FAILED));
  a.device.storage_read_bytes =
      count_of(read, all_of(probes, {"block:block_bio_queue"},
                            "bytes of the read bios this process queued for a disk" + failures));
  a.device.storage_bytes =
      count_of(read + written,
               all_of(probes, {"block:block_bio_queue"},
                      "bytes of the read and write bios this process queued for a disk, in its own "
                      "context" +
                          failures));
  a.device.nic_bytes = count_of(
      site_sum(ZC_KIND_NET, ZC_NET_DEVICE),
      all_of(probes, {"net:net_dev_start_xmit"},
             "bytes of this process's socket buffers handed to a network device with hardware "
             "behind it (a parent bus device)"));
  a.device.virtual_bytes = count_of(
      site_sum(ZC_KIND_NET, ZC_NET_VIRTUAL),
      all_of(probes, {"net:net_dev_start_xmit"},
             "bytes (headers included) handed to lo or veth: the stack hands them back, no "
             "device moves them"));

  std::uint64_t dma_storage = 0, dma_nic = 0;
  for (const DeviceSample &s : counters.devices) {
    if (s.key.role != role)
      continue;
    const DeviceClass cls = device_class(counters, s.key.dev);
    if (s.key.kind == ZC_DEVK_DMA && receive_buffers(cls, s.key.dir))
      continue; // nobody's: see unattributed
    a.device.by_device.push_back(device_row(counters, s));
    if (s.key.kind != ZC_DEVK_DMA)
      continue;
    if (cls.cls == ZC_DEV_STORAGE)
      dma_storage += s.val.bytes;
    else if (cls.cls == ZC_DEV_NIC)
      dma_nic += s.val.bytes;
  }
  sort_rows(a.device.by_device);

  const Evidence dma = any_of(probes, {"block:dma_map_page", "block:dma_map_sg"}, "");
  // A device that moved bytes for this process with no mapping seen maps
  // through no DMA-API call a probe watches: the figure is unknown, not 0.
  auto dma_figure = [&](std::uint64_t bytes, const Count &moved, const std::string &devices,
                        const std::string &how) {
    Count c;
    c.evidence = dma;
    if (c.evidence.probes.empty())
      return c; // how says which probes are missing
    if (!moved.value) {
      c.evidence = {EvidenceKind::Unavailable, {}, "what the device moved is not measured"};
      return c;
    }
    if (bytes == 0 && *moved.value > 0) {
      c.evidence = {EvidenceKind::Unavailable,
                    {},
                    (devices.empty() ? std::string("the device") : devices) + " moved " +
                        std::to_string(*moved.value) +
                        " bytes for this process and no DMA-API mapping was seen for a device "
                        "it hangs under: its driver reaches memory without the DMA API "
                        "(virtio without VIRTIO_F_ACCESS_PLATFORM) or through a path no probe "
                        "watches"};
      return c;
    }
    c.value = bytes;
    c.evidence.how = how;
    return c;
  };
  a.device.dma_storage_bytes = dma_figure(
      dma_storage, a.device.storage_bytes, names_of(counters, ZC_DEV_DISK),
      "bytes DMA-mapped for the devices this process's disks hang under, in its context; "
      "compare with device.storage_bytes");
  a.device.dma_nic_bytes = dma_figure(
      dma_nic, a.device.nic_bytes, names_of(counters, ZC_DEV_NIC),
      "bytes DMA-mapped to NICs while they transmitted this process's packets; compare with "
      "device.nic_bytes (a driver may map a header of its own per packet: virtio-net's is "
      "12 bytes)");
  auto window = [&](std::uint16_t site, const std::string &how) {
    Count c = count_of(site_sum(ZC_KIND_NET, site),
                       all_of(probes, {"net:net_dev_start_xmit", "net:net_dev_xmit"}, how));
    if (!a.device.dma_nic_bytes.value) { // nothing to compare with
      c.value.reset();
      c.evidence = a.device.dma_nic_bytes.evidence;
    }
    return c;
  };
  a.device.nic_driver_extra_bytes =
      window(ZC_NET_DRIVER_MAPPED_MORE,
             "bytes NIC drivers mapped during this process's transmits beyond the packets' own "
             "bytes: a header of the driver's (virtio-net: 12 bytes a packet)");
  a.device.nic_unmapped_bytes =
      window(ZC_NET_DRIVER_MAPPED_LESS,
             "packet bytes of this process's transmits that the driver mapped no memory for "
             "during the transmit (mapped before, or not through the DMA API)");
  Count mapped;
  mapped.evidence = dma;
  if (a.device.dma_storage_bytes.value && a.device.dma_nic_bytes.value) {
    mapped.value = *a.device.dma_storage_bytes.value + *a.device.dma_nic_bytes.value;
    mapped.evidence.how = "device.dma_storage_bytes + device.dma_nic_bytes: how the devices "
                          "reached memory, not added to device.bytes";
  } else if (!dma.probes.empty()) {
    mapped.evidence = {EvidenceKind::Unavailable,
                       {},
                       !a.device.dma_storage_bytes.value ? a.device.dma_storage_bytes.evidence.how
                                                         : a.device.dma_nic_bytes.evidence.how};
  }
  a.device.dma_mapped_bytes = mapped;

  Count total;
  for (const Count *part : {&a.device.storage_bytes, &a.device.nic_bytes}) {
    if (!part->value)
      continue;
    total.value = total.value.value_or(0) + *part->value;
    merge_into(total.evidence, part->evidence);
  }
  if (total.value) {
    total.evidence.kind = EvidenceKind::Derived;
    total.evidence.how = "device.storage_bytes + device.nic_bytes";
    for (const Count *part : {&a.device.storage_bytes, &a.device.nic_bytes})
      if (!part->value)
        total.evidence.how += "; missing part: " + part->evidence.how;
  } else {
    total.evidence.how = "neither storage nor NIC transfers are watched on this kernel";
  }
  a.device.bytes = total;
  a.device.passes = passes_of(a.device.bytes, payload, "device.bytes");

  const auto resent = counters.sum([&](const zc_counter_key &k) {
    return k.role == role && k.kind == ZC_KIND_NET && k.site == ZC_NET_RETRANSMIT;
  });
  a.tcp.retransmitted_bytes = count_of(
      resent.bytes,
      all_of(probes, {"net:tcp_retransmit_skb"},
             "payload bytes of TCP segments this process's sockets sent again (the copies a "
             "resend costs are in by_site, at their sites)"));
  a.tcp.retransmitted_segments =
      count_of(resent.count, all_of(probes, {"net:tcp_retransmit_skb"},
                                    "TCP segments this process's sockets sent again"));
}

void build_syscalls(Account &a, std::uint8_t role, const RawCounters &counters,
                    const ProbeIndex &probes) {
  Evidence ev = all_of(probes, {"syscalls:sys_enter", "syscalls:sys_exit"},
                       "every syscall the process entered (exit and exit_group when they enter)");
  std::uint64_t total = 0;
  for (const auto &s : counters.samples) {
    if (s.key.role != role)
      continue;
    const std::string name = syscall_name(s.key.id);
    switch (s.key.kind) {
    case ZC_KIND_SYSCALL: {
      auto &row = a.syscalls.by_name[name];
      row.count += s.val.count;
      total += s.val.count;
      if (syscall_returns_bytes(s.key.id))
        row.bytes = row.bytes.value_or(0) + s.val.bytes;
      break;
    }
    case ZC_KIND_SYSCALL_ERR:
      a.syscalls.by_name[name].errors += s.val.count;
      break;
    case ZC_KIND_SYSCALL_TIME:
      a.syscalls.by_name[name].time_ns += s.val.bytes;
      break;
    default:
      break;
    }
  }
  a.syscalls.total = count_of(total, ev);
  Count modes;
  if (a.syscalls.total.value) {
    modes.value = 2 * total;
    modes.evidence = {EvidenceKind::Derived, ev.probes,
                      "2 x syscalls.total: one user->kernel and one kernel->user switch each"};
  } else {
    modes.evidence = ev;
  }
  a.mode_switches = modes;
}

void build_sched_and_faults(Account &a, std::uint8_t role, const RawCounters &counters,
                            const ProbeIndex &probes) {
  // Events of one kind and site, counted by the one probe that sees them.
  auto counted = [&](std::uint8_t kind, std::uint16_t site, std::string_view probe,
                     std::string how) {
    const auto total = counters.sum([&](const zc_counter_key &k) {
      return k.role == role && k.kind == kind && k.site == site;
    });
    return count_of(total.count, all_of(probes, {probe}, std::move(how)));
  };
  a.context_switches.voluntary =
      counted(ZC_KIND_SWITCH, ZC_SWITCH_VOLUNTARY, "sched:sched_switch",
              "switched out while blocking (not preempted, state not running)");
  a.context_switches.involuntary =
      counted(ZC_KIND_SWITCH, ZC_SWITCH_INVOLUNTARY, "sched:sched_switch",
              "switched out while runnable (preempted, or yielded)");
  a.context_switches.exits =
      counted(ZC_KIND_SWITCH, ZC_SWITCH_EXIT, "sched:sched_switch",
              "of the voluntary switches, the last switch out of each thread that exited (after "
              "it became a zombie: wait4's rusage includes it only if the reap came later)");
  a.page_faults.user = counted(ZC_KIND_FAULT, ZC_FAULT_USER, "faults:page_fault_user",
                               "page faults the process took in user mode");
  a.page_faults.kernel = counted(ZC_KIND_FAULT, ZC_FAULT_KERNEL, "faults:page_fault_kernel",
                                 "faults on user addresses taken in kernel mode, inside syscalls");
  for (const auto &s : counters.samples)
    if (s.key.role == role && s.key.kind == ZC_KIND_FAULT && s.key.site == ZC_FAULT_KERNEL)
      a.page_faults.kernel_by_syscall[syscall_label(s.key.id)] += s.val.count;
  a.page_faults.file_fault_around =
      counted(ZC_KIND_FILEMAP, ZC_FILEMAP_MAP_PAGES, "faults:mm_filemap_map_pages",
              "file faults that fault-around served from the page cache");
  a.page_faults.file_fault = counted(ZC_KIND_FILEMAP, ZC_FILEMAP_FAULT, "faults:mm_filemap_fault",
                                     "file faults that reached filemap_fault");
}

void build_signals(Account &a, std::uint8_t role, const RawCounters &counters,
                   const ProbeIndex &probes) {
  std::uint64_t total = 0;
  for (const auto &s : counters.samples) {
    if (s.key.role != role || s.key.kind != ZC_KIND_SIGNAL)
      continue;
    SignalRow &row = a.signals.by_signal[signal_name(s.key.site)];
    row.number = s.key.site;
    row.generated += s.val.count;
    (s.key.dir == ZC_SIGNAL_DELIVERED ? row.queued : row.not_queued) += s.val.count;
    if (s.key.id == ZC_SIGNAL_FROM_ITSELF)
      row.from_itself += s.val.count;
    total += s.val.count;
  }
  a.signals.generated =
      count_of(total, all_of(probes, {"signals:signal_generate"},
                             "signals the kernel generated for the process, whoever sent them "
                             "(a fault's SIGBUS, a lease break, kill())"));
}

void build_zerocopy(Account &a, std::uint8_t role, const RawCounters &counters,
                    const ProbeIndex &probes) {
  auto sum = [&](std::uint8_t kind, std::uint16_t site) {
    return counters.sum([&](const zc_counter_key &k) {
      return k.role == role && k.kind == kind && k.site == site;
    });
  };
  std::uint64_t asked = 0, asked_bytes = 0, copied_bytes = 0;
  for (const SiteRow &row : a.cpu_copy.by_site) {
    if (row.site_id == ZC_SITE_TCP_ZEROCOPY) {
      asked += row.events;
      asked_bytes += row.bytes;
    } else if (row.site_id == ZC_SITE_SKB_COPY_UBUFS && row.evidence.kind == EvidenceKind::Site) {
      copied_bytes += row.bytes;
    }
  }
  Evidence zc_site = all_of(probes, {"copies:tcp_sendmsg_locked"},
                            "sends that took tcp_sendmsg_locked's zero-copy path (MSG_ZEROCOPY, or "
                            "an io_uring SEND_ZC's buffer), and their bytes");
  a.zerocopy.asked_sends = count_of(asked, zc_site);
  a.zerocopy.asked_bytes = count_of(asked_bytes, zc_site);
  const auto errq = sum(ZC_KIND_ZEROCOPY, ZC_ZC_ERRQUEUE_SENDS);
  const auto errq_copied = sum(ZC_KIND_ZEROCOPY, ZC_ZC_ERRQUEUE_COPIED);
  const auto notifs = sum(ZC_KIND_ZEROCOPY, ZC_ZC_URING_NOTIFS);
  const auto notifs_copied = sum(ZC_KIND_ZEROCOPY, ZC_ZC_URING_COPIED);
  // Where completions are seen: dequeued from the error queue (read at the
  // syscall's exit), io_uring notifications posted to the ring or its
  // overflow list.
  const std::initializer_list<std::string_view> completion_probes = {
      "syscalls:sys_exit", "copies:io_uring_complete", "copies:io_uring_cqe_overflow"};
  a.zerocopy.completed_sends =
      count_of(errq.count + notifs.count,
               all_of(probes, completion_probes,
                      "sends the completions the kernel handed the process cover: MSG_ZEROCOPY "
                      "error-queue completions it dequeued (recvmsg(MSG_ERRQUEUE), read back "
                      "from its memory), plus io_uring SEND_ZC notifications posted (to the "
                      "ring, or to its overflow list when the ring was full)"));
  a.zerocopy.copied_sends = count_of(
      errq_copied.count + notifs_copied.count,
      all_of(probes, completion_probes,
             "of those, the ones the kernel said it copied anyway (SO_EE_CODE_ZEROCOPY_COPIED; "
             "IORING_NOTIF_USAGE_ZC_COPIED, set only for requests that asked for usage reports)"));
  const ProbeReport *ubufs = probes.attached("copies:skb_copy_ubufs");
  if (ubufs && ubufs->evidence == EvidenceKind::Site)
    a.zerocopy.copied_bytes = count_of(
        copied_bytes, all_of(probes, {"copies:skb_copy_ubufs"},
                             "bytes of zero-copy sends the kernel copied later (skb_copy_ubufs)"));
  else
    a.zerocopy.copied_bytes.evidence = {
        EvidenceKind::Unavailable,
        {},
        "skb_copy_ubufs, where the kernel copies a zero-copy send's pages after all, cannot be "
        "watched on this kernel (no tracepoint there, and fexit does not attach)"};
}

void build_process(Account &a, const ProcessObservation &p) {
  if (p.wall_ns) {
    a.time.wall_ns.value = static_cast<std::uint64_t>(*p.wall_ns);
    a.time.wall_ns.evidence = {
        EvidenceKind::Clock, {}, "CLOCK_MONOTONIC in the process, from its start to its end"};
  } else {
    a.time.wall_ns.evidence.how = "the process did not report its time";
  }
  const char *rusage_how = "wait4() rusage minus the /proc baseline taken before the start";
  auto from_usage = [&](Count &c, std::uint64_t ProcessUsage::*field) {
    if (p.usage) {
      c.value = (*p.usage).*field;
      c.evidence = {EvidenceKind::Rusage, {}, rusage_how};
    } else {
      c.evidence.how = "no rusage for the process";
    }
  };
  from_usage(a.time.user_ns, &ProcessUsage::user_ns);
  from_usage(a.time.sys_ns, &ProcessUsage::sys_ns);
  from_usage(a.page_faults.minor, &ProcessUsage::minor_faults);
  from_usage(a.page_faults.major, &ProcessUsage::major_faults);
  from_usage(a.rusage.voluntary_switches, &ProcessUsage::voluntary_switches);
  from_usage(a.rusage.involuntary_switches, &ProcessUsage::involuntary_switches);
  if (p.io) {
    a.rusage.io_read_bytes.value = p.io->read_bytes;
    a.rusage.io_read_bytes.evidence = {
        EvidenceKind::Rusage,
        {},
        "/proc/PID/io read_bytes when the process ended: the read bios it submitted (the "
        "kernel's task_io_account_read in submit_bio)"};
  } else {
    a.rusage.io_read_bytes.evidence.how = "no /proc/PID/io for the process";
  }
  for (const ReportedFigure &f : p.reported)
    a.reported[f.name] = {f.value, {EvidenceKind::Reported, {}, f.meaning}};
}

} // namespace

Account build_account(std::uint8_t role, const RawCounters &counters, const ProbeIndex &probes,
                      const ProcessObservation &process, std::uint64_t payload_bytes) {
  Account a;
  a.role = role_name(role);
  build_payload(a, role, counters, probes, process, payload_bytes);
  build_device(a, role, counters, probes, payload_bytes);
  build_syscalls(a, role, counters, probes);
  build_sched_and_faults(a, role, counters, probes);
  build_signals(a, role, counters, probes);
  build_zerocopy(a, role, counters, probes);
  build_process(a, process);
  return a;
}

StreamStats stream_stats(const RawCounters &counters, std::uint64_t received) {
  StreamStats st;
  st.enabled = counters.streamed;
  st.received = received;
  std::map<std::uint16_t, std::uint64_t> lost;
  for (const auto &s : counters.samples) {
    if (s.key.kind != ZC_KIND_STREAM)
      continue;
    if (s.key.site == ZC_STREAM_SUBMITTED)
      st.submitted += s.val.count;
    else if (s.key.site == ZC_STREAM_LOST) {
      st.lost += s.val.count;
      lost[s.key.id] += s.val.count;
    }
  }
  for (const auto &[kind, n] : lost)
    st.lost_by_kind.emplace_back(event_kind_name(kind), n);
  return st;
}

Overhead overhead_of(const RawCounters &counters) {
  Overhead o;
  o.measured = counters.run_stats;
  o.why_not = counters.run_stats_missing;
  for (const CounterSample &s : counters.samples)
    if (s.key.kind == ZC_KIND_SYSCALL && s.key.role != ZC_ROLE_NONE)
      o.traced_syscalls += s.val.count;
  if (!o.measured)
    return o;
  for (const ProgramStat &p : counters.programs) {
    o.program_runs += p.run_count;
    o.run_time_ns += p.run_time_ns;
  }
  if (o.traced_syscalls)
    o.ns_per_traced_syscall =
        static_cast<double>(o.run_time_ns) / static_cast<double>(o.traced_syscalls);
  return o;
}

void observe(Observation &o, const RawCounters &counters, std::uint64_t events_received,
             std::uint64_t payload_bytes) {
  const ProbeIndex probes(o.probes);
  o.events = stream_stats(counters, events_received);
  o.lost.counter_updates = counters.counters_full;
  o.lost.owner_records = counters.owners_full;
  o.lost.task_contexts = counters.tasks_full;
  o.lost.fault_lookups = counters.vma_unknown;
  o.lost.buffer_lookups = counters.buffer_unknown;
  o.lost.flows = counters.flows_full;
  o.lost.devices = counters.devices_full;
  o.lost.processes = counters.targets_full;
  o.programs = counters.programs;
  o.probe_runs_missed = 0;
  for (const ProgramStat &p : counters.programs)
    o.probe_runs_missed += p.recursion_misses;
  o.overhead = overhead_of(counters);
  o.flows = counters.flows;

  Unattributed &u = o.unattributed;
  u.payload = payload_rows(ZC_ROLE_NONE, counters, probes, payload_bytes);
  std::uint64_t unowned = 0, receive = 0, unknown = 0;
  std::map<std::tuple<std::uint64_t, std::uint8_t>, DeviceSample> receive_by_device;
  for (const DeviceSample &s : counters.devices) {
    if (s.key.kind != ZC_DEVK_DMA)
      continue;
    const DeviceClass cls = device_class(counters, s.key.dev);
    if (receive_buffers(cls, s.key.dir)) {
      DeviceSample &sum = receive_by_device[{s.key.dev, s.key.dir}];
      sum.key = s.key;
      sum.key.role = ZC_ROLE_NONE;
      sum.val.count += s.val.count;
      sum.val.bytes += s.val.bytes;
      receive += s.val.bytes;
      continue;
    }
    if (s.key.role != ZC_ROLE_NONE)
      continue;
    u.by_device.push_back(device_row(counters, s));
    if (cls.cls == ZC_DEV_STORAGE || cls.cls == ZC_DEV_NIC)
      unowned += s.val.bytes;
    else
      unknown += s.val.bytes;
  }
  for (const auto &[_, s] : receive_by_device)
    u.by_device.push_back(device_row(counters, s));
  sort_rows(u.by_device);
  const Evidence dma = any_of(probes, {"block:dma_map_page", "block:dma_map_sg"}, "");
  auto figure = [&](std::uint64_t bytes, const std::string &how) {
    Count c;
    c.evidence = dma;
    if (!dma.probes.empty()) {
      c.value = bytes;
      c.evidence.how = how;
    }
    return c;
  };
  u.dma_mapped_bytes = figure(unowned, "bytes DMA-mapped for storage devices and NIC transmits "
                                       "outside any target's context or transmit window");
  u.receive_buffer_dma_bytes =
      figure(receive, "receive buffers NIC drivers mapped for their devices to fill, in any "
                      "context: mapped before any packet is in them, so no socket's yet");
  u.unknown_device_dma_bytes =
      figure(unknown, "bytes DMA-mapped outside any target's context for devices that serve no "
                      "disk and no NIC seen");
}

} // namespace zc
