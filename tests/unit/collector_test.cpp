#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "collector.h"
#include "probe_catalog.h"

namespace zc {
namespace {

constexpr std::uint64_t kPayload = 64ull << 20;
constexpr std::uint16_t kRead = 0, kWrite = 1, kSendfile = 40, kMmap = 9;

// Reports as the probe set makes them: every catalog probe attached through
// its alternative of the preferred kind (else its first), except those named
// in `missing`; `absent` probes watch code paths this kernel lacks.
std::vector<ProbeReport> reports(std::vector<std::string> missing = {},
                                 AttachKind prefer = AttachKind::TpBtf,
                                 std::vector<std::string> absent = {}) {
  auto in = [](const std::vector<std::string> &list, const std::string &name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  std::vector<ProbeReport> out;
  for (const ProbeDef &def : probe_catalog()) {
    ProbeReport r;
    r.name = def.name;
    r.family = def.family;
    r.path_present = !in(absent, def.name);
    r.attached = r.path_present && !in(missing, def.name);
    if (r.attached) {
      const ProbeAlternative *alt = &def.alternatives.front();
      for (const auto &a : def.alternatives)
        if (a.kind == prefer) {
          alt = &a;
          break;
        }
      r.via = alt->attach_point();
      r.evidence = alt->evidence;
      r.bytes_from = alt->bytes_from;
    } else {
      r.reason = "no tracepoint in this kernel";
    }
    out.push_back(r);
  }
  return out;
}

// A kernel where nothing can watch the copies.
std::vector<std::string> all_copy_probes() {
  std::vector<std::string> names;
  for (const ProbeDef &def : probe_catalog())
    if (def.name.rfind("copies:", 0) == 0)
      names.push_back(def.name);
  return names;
}

CounterSample sample(std::uint8_t role, std::uint8_t kind, std::uint16_t site, std::uint8_t dir,
                     std::uint16_t id, std::uint64_t count, std::uint64_t bytes) {
  CounterSample s;
  s.key.role = role;
  s.key.kind = kind;
  s.key.site = site;
  s.key.dir = dir;
  s.key.id = id;
  s.val.count = count;
  s.val.bytes = bytes;
  return s;
}

// Kernel addresses of the devices of the samples below.
constexpr std::uint64_t kDisk = 0xffff0001, kController = 0xffff0002, kNic = 0xffff0003,
                        kOther = 0xffff0004;

DeviceSample device_sample(std::uint64_t dev, std::uint8_t role, std::uint8_t kind,
                           std::uint8_t dir, std::uint64_t count, std::uint64_t bytes) {
  DeviceSample d;
  d.key.dev = dev;
  d.key.role = role;
  d.key.kind = kind;
  d.key.dir = dir;
  d.val.count = count;
  d.val.bytes = bytes;
  return d;
}

zc_device device(std::uint8_t cls, const char *name, const char *of) {
  zc_device d{};
  d.cls = cls;
  std::snprintf(d.name, sizeof(d.name), "%s", name);
  std::snprintf(d.of, sizeof(d.of), "%s", of);
  return d;
}

// What the kernel side aggregates for read+write of 64 MiB in 1024 chunks.
RawCounters read_write_counters() {
  RawCounters c;
  c.samples = {
      sample(ZC_ROLE_SOURCE, ZC_KIND_SYSCALL, 0, 0, kRead, 1024, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_SYSCALL, 0, 0, kWrite, 1024, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_SYSCALL, 0, 0, kMmap, 3, 0xffff000000),
      sample(ZC_ROLE_SOURCE, ZC_KIND_SYSCALL_TIME, 0, 0, kWrite, 0, 5000000),
      sample(ZC_ROLE_SOURCE, ZC_KIND_SYSCALL_ERR, 0, 0, kWrite, 2, 0),
      sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, kRead,
             1024, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_TCP_SENDMSG, ZC_DIR_USER_TO_KERNEL, kWrite,
             1024, kPayload),
      sample(ZC_ROLE_SINK, ZC_KIND_PAYLOAD, ZC_SITE_SKB_COPY_DATAGRAM, ZC_DIR_KERNEL_TO_USER, kRead,
             4000, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_SWITCH, ZC_SWITCH_VOLUNTARY, 0, kWrite, 7, 0),
      sample(ZC_ROLE_SOURCE, ZC_KIND_SWITCH, ZC_SWITCH_INVOLUNTARY, 0, kWrite, 3, 0),
      sample(ZC_ROLE_SOURCE, ZC_KIND_FAULT, ZC_FAULT_USER, 0, ZC_NO_SYSCALL, 20, 0),
      sample(ZC_ROLE_SOURCE, ZC_KIND_FAULT, ZC_FAULT_KERNEL, 0, kWrite, 5, 0),
      sample(ZC_ROLE_SOURCE, ZC_KIND_BLOCK, ZC_BLOCK_READ, 0, ZC_NO_SYSCALL, 10, kPayload / 2),
      sample(ZC_ROLE_SOURCE, ZC_KIND_NET, ZC_NET_VIRTUAL, 0, ZC_NO_SYSCALL, 100, kPayload + 6000),
  };
  // DMA outside any target's context, for the disk's controller.
  c.devices = {device_sample(kController, ZC_ROLE_NONE, ZC_DEVK_DMA, ZC_DMA_TO_DEVICE, 3, 12288)};
  c.device_info[kDisk] = device(ZC_DEV_DISK, "vda", "vda");
  c.device_info[kController] = device(ZC_DEV_STORAGE, "0000:00:02.0", "vda");
  return c;
}

TEST(Collector, CopiesArePassesOfThePayload) {
  const auto probes = reports();
  const Account a =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  EXPECT_EQ(a.role, "source");
  ASSERT_TRUE(a.cpu_copy.bytes.value);
  EXPECT_EQ(*a.cpu_copy.bytes.value, 2 * kPayload);
  EXPECT_DOUBLE_EQ(*a.cpu_copy.passes.value, 2.0);
  EXPECT_EQ(*a.by_reference.bytes.value, 0u);
  ASSERT_EQ(a.cpu_copy.by_site.size(), 2u);
  for (const SiteRow &row : a.cpu_copy.by_site) {
    EXPECT_TRUE(row.cpu_copy);
    EXPECT_DOUBLE_EQ(row.passes, 1.0);
  }
  // The read copy's bytes are its syscall's return: derived; the send's are
  // read at the socket layer by tracepoints.
  auto row = [&](const std::string &site) {
    return *std::find_if(a.cpu_copy.by_site.begin(), a.cpu_copy.by_site.end(),
                         [&](const SiteRow &r) { return r.site == site; });
  };
  EXPECT_EQ(row("filemap_read").evidence.kind, EvidenceKind::Derived);
  EXPECT_EQ(row("filemap_read").direction, "kernel->user");
  EXPECT_EQ(row("filemap_read").syscall, "read");
  EXPECT_EQ(row("tcp_sendmsg_locked").evidence.kind, EvidenceKind::Tracepoint);
  EXPECT_EQ(row("tcp_sendmsg_locked").direction, "user->kernel");
  // The sum is only as strong as its weakest part.
  EXPECT_EQ(a.cpu_copy.bytes.evidence.kind, EvidenceKind::Derived);
}

TEST(Collector, ReferenceHandOffIsNotACpuCopy) {
  RawCounters c;
  c.samples = {sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_TCP_SENDMSG, ZC_DIR_REFERENCE,
                      kSendfile, 1024, kPayload)};
  const auto probes = reports();
  const Account a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  EXPECT_EQ(*a.cpu_copy.bytes.value, 0u);
  EXPECT_DOUBLE_EQ(*a.cpu_copy.passes.value, 0.0);
  EXPECT_EQ(*a.by_reference.bytes.value, kPayload);
  EXPECT_EQ(a.cpu_copy.by_site.at(0).direction, "by reference");
  EXPECT_FALSE(a.cpu_copy.by_site.at(0).cpu_copy);
  EXPECT_EQ(a.by_reference.bytes.evidence.kind, EvidenceKind::Tracepoint);
}

TEST(Collector, EvidenceFollowsTheTierInUse) {
  // fexit at the sites themselves (the 6.1 and 6.12 guests): evidence "site".
  const auto at_sites = reports({}, AttachKind::Fexit);
  const Account a =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(at_sites), {}, kPayload);
  for (const SiteRow &row : a.cpu_copy.by_site)
    EXPECT_EQ(row.evidence.kind, EvidenceKind::Site) << row.site;
  EXPECT_EQ(a.cpu_copy.bytes.evidence.kind, EvidenceKind::Site);
  EXPECT_EQ(a.cpu_copy.bytes.evidence.probes,
            (std::vector<std::string>{"fexit:filemap_read", "fexit:tcp_sendmsg_locked"}));
  // Syscall returns only: evidence "derived".
  const auto derived = reports({}, AttachKind::Derived);
  const Account d =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(derived), {}, kPayload);
  EXPECT_EQ(d.cpu_copy.bytes.evidence.kind, EvidenceKind::Derived);
}

TEST(Collector, APathTheKernelLacksNeedsNoWatching) {
  // 6.1: ->sendpage exists and must be watched; 6.12: it does not.
  const auto unwatched_sendpage = reports({"copies:tcp_sendpage"}, AttachKind::Fexit);
  const Account a = build_account(ZC_ROLE_SOURCE, read_write_counters(),
                                  ProbeIndex(unwatched_sendpage), {}, kPayload);
  EXPECT_TRUE(a.cpu_copy.bytes.value) << "->sendpage never copies";
  EXPECT_FALSE(a.by_reference.bytes.value) << "but it hands pages over unseen";
  EXPECT_NE(a.by_reference.bytes.evidence.how.find("tcp_sendpage"), std::string::npos);
  const auto no_sendpage = reports({}, AttachKind::Fexit, {"copies:tcp_sendpage"});
  const Account b =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(no_sendpage), {}, kPayload);
  EXPECT_TRUE(b.by_reference.bytes.value) << b.by_reference.bytes.evidence.how;
}

TEST(Collector, TheDeferredCopyMattersOnlyAfterAZeroCopySend) {
  // Nothing watches skb_copy_ubufs (as on a kernel without fexit).
  const auto probes = reports({"copies:skb_copy_ubufs"});
  const Account plain =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  EXPECT_TRUE(plain.cpu_copy.bytes.value) << plain.cpu_copy.bytes.evidence.how;
  RawCounters zc = read_write_counters();
  zc.samples.push_back(sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_TCP_ZEROCOPY,
                              ZC_DIR_REFERENCE, kWrite, 10, 4096));
  const Account zerocopy = build_account(ZC_ROLE_SOURCE, zc, ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(zerocopy.cpu_copy.bytes.value);
  EXPECT_NE(zerocopy.cpu_copy.bytes.evidence.how.find("skb_copy_ubufs"), std::string::npos);
}

// Page-cache lookups the tracepoint tier of filemap_read cannot size by a
// read's return: sized by io_uring's completions, by the task's read
// accounting (kernel_read in execve), or said, naming where they were.
TEST(Collector, LookupsNoReturnSizesAreSizedElseSaid) {
  const std::uint16_t kIoUringEnter = 426, kExecve = 59;
  const auto tracepoints = reports();
  // A worker of the process looked pages up, and the process has no ring.
  RawCounters c = read_write_counters();
  c.samples.push_back(
      sample(ZC_ROLE_SOURCE, ZC_KIND_FILEMAP, ZC_FILEMAP_GET_PAGES, 0, ZC_NO_SYSCALL, 16, 65536));
  Account a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(tracepoints), {}, kPayload);
  EXPECT_FALSE(a.cpu_copy.bytes.value);
  EXPECT_NE(a.cpu_copy.bytes.evidence.how.find("16 page-cache lookups outside any syscall"),
            std::string::npos)
      << a.cpu_copy.bytes.evidence.how;
  EXPECT_EQ(a.cpu_copy.bytes.evidence.how.find("io_uring"), std::string::npos);
  // The process has a ring: its requests' lookups, said so.
  c.samples.push_back(sample(ZC_ROLE_SOURCE, ZC_KIND_SYSCALL, 0, 0, kIoUringEnter, 4, 0));
  a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(tracepoints), {}, kPayload);
  EXPECT_NE(a.cpu_copy.bytes.evidence.how.find("of io_uring requests"), std::string::npos)
      << a.cpu_copy.bytes.evidence.how;
  // Their completions size them.
  c.samples.push_back(
      sample(ZC_ROLE_SOURCE, ZC_KIND_ASYNC, ZC_ASYNC_URING_READ, 0, kIoUringEnter, 16, 65536));
  a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(tracepoints), {}, kPayload);
  EXPECT_TRUE(a.cpu_copy.bytes.value) << a.cpu_copy.bytes.evidence.how;
  // An execve whose reads the task's accounting could not size: named.
  c.samples.push_back(
      sample(ZC_ROLE_SOURCE, ZC_KIND_FILEMAP, ZC_FILEMAP_UNSIZED, 0, kExecve, 1, 0));
  a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(tracepoints), {}, kPayload);
  EXPECT_FALSE(a.cpu_copy.bytes.value);
  EXPECT_NE(a.cpu_copy.bytes.evidence.how.find("in 1 execve() call"), std::string::npos)
      << a.cpu_copy.bytes.evidence.how;
  // With fexit at filemap_read every copy is sized where it happens.
  const auto at_sites = reports({}, AttachKind::Fexit);
  EXPECT_TRUE(
      build_account(ZC_ROLE_SOURCE, c, ProbeIndex(at_sites), {}, kPayload).cpu_copy.bytes.value);
}

TEST(Collector, UndeterminedBytesLeaveTheTotalsUnknown) {
  // A sendfile on a kernel where tcp_sendmsg_locked cannot be watched: the
  // send's bytes are seen, but not whether they were copied.
  RawCounters c;
  c.samples = {sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_SOCK_SENDMSG, ZC_DIR_UNKNOWN,
                      kSendfile, 10, 1000)};
  const auto probes = reports({"copies:tcp_sendmsg_locked"});
  const Account a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(a.cpu_copy.bytes.value) << "a silent zero";
  EXPECT_FALSE(a.cpu_copy.passes.value);
  EXPECT_FALSE(a.by_reference.bytes.value);
  EXPECT_EQ(a.cpu_copy.undetermined_bytes, 1000u);
  EXPECT_NE(
      a.cpu_copy.bytes.evidence.how.find("1000 bytes moved where copy or reference could not"),
      std::string::npos)
      << a.cpu_copy.bytes.evidence.how;
  EXPECT_EQ(a.cpu_copy.by_site.at(0).direction, "unknown");
}

TEST(Collector, WriteFamilySendsNeedNoTcpClassification) {
  // Same kernel, read+write: a write() copies from user memory whatever the
  // protocol does, so the total is complete without tcp_sendmsg_locked.
  RawCounters c;
  c.samples = {sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER,
                      kRead, 1024, kPayload),
               sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_SOCK_SENDMSG, ZC_DIR_USER_TO_KERNEL,
                      kWrite, 1024, kPayload)};
  const auto probes = reports({"copies:tcp_sendmsg_locked"});
  const Account a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  ASSERT_TRUE(a.cpu_copy.bytes.value) << a.cpu_copy.bytes.evidence.how;
  EXPECT_EQ(*a.cpu_copy.bytes.value, 2 * kPayload);
  // But nothing here can tell a reference hand-off: no by-reference figure.
  EXPECT_FALSE(a.by_reference.bytes.value);
}

TEST(Collector, FigureWithoutEvidenceIsNullNotZero) {
  // No sched_switch and no block probes on this imaginary kernel.
  const auto probes =
      reports({"sched:sched_switch", "block:block_bio_queue", "net:net_dev_start_xmit"});
  const Account a =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(a.context_switches.voluntary.value);
  EXPECT_EQ(a.context_switches.voluntary.evidence.kind, EvidenceKind::Unavailable);
  EXPECT_NE(a.context_switches.voluntary.evidence.how.find("sched:sched_switch is not attached"),
            std::string::npos);
  EXPECT_FALSE(a.device.storage_bytes.value);
  EXPECT_FALSE(a.device.nic_bytes.value);
  EXPECT_FALSE(a.device.bytes.value);
  EXPECT_FALSE(a.device.passes.value);
  // Syscalls are still there.
  EXPECT_EQ(*a.syscalls.total.value, 2051u);
}

TEST(Collector, AnUnwatchedKindOfMovementLeavesTheTotalsUnknown) {
  // No receive-copy probe: the sink's copy cannot be counted, and neither
  // can anyone's total (a process could have received), though what the
  // watched sites saw stays in by_site.
  const auto probes = reports({"copies:skb_copy_datagram_iter"});
  const Account source =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(source.cpu_copy.bytes.value);
  EXPECT_NE(source.cpu_copy.bytes.evidence.how.find("not watched: skb_copy_datagram_iter"),
            std::string::npos)
      << source.cpu_copy.bytes.evidence.how;
  EXPECT_NE(source.cpu_copy.bytes.evidence.how.find("134217728 bytes copied"), std::string::npos);
  EXPECT_EQ(source.cpu_copy.by_site.size(), 2u);
  // Nothing watched at all.
  const auto no_copies = reports(all_copy_probes());
  const Account blind =
      build_account(ZC_ROLE_SOURCE, RawCounters{}, ProbeIndex(no_copies), {}, kPayload);
  EXPECT_FALSE(blind.cpu_copy.bytes.value);
  EXPECT_FALSE(blind.cpu_copy.passes.value);
  EXPECT_FALSE(blind.by_reference.bytes.value);
}

TEST(Collector, SyscallsAndModeSwitches) {
  const auto probes = reports();
  const Account a =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  EXPECT_EQ(*a.syscalls.total.value, 2051u);
  EXPECT_EQ(*a.mode_switches.value, 4102u);
  EXPECT_EQ(a.mode_switches.evidence.kind, EvidenceKind::Derived);
  const SyscallRow &write = a.syscalls.by_name.at("write");
  EXPECT_EQ(write.count, 1024u);
  EXPECT_EQ(write.errors, 2u);
  EXPECT_EQ(write.time_ns, 5000000u);
  EXPECT_EQ(write.bytes, kPayload);
  // mmap returns an address, not a byte count.
  EXPECT_FALSE(a.syscalls.by_name.at("mmap").bytes.has_value());
}

TEST(Collector, SwitchesFaultsAndDevices) {
  const auto probes = reports();
  const Account a =
      build_account(ZC_ROLE_SOURCE, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  EXPECT_EQ(*a.context_switches.voluntary.value, 7u);
  EXPECT_EQ(*a.context_switches.involuntary.value, 3u);
  EXPECT_EQ(*a.page_faults.user.value, 20u);
  EXPECT_EQ(*a.page_faults.kernel.value, 5u);
  EXPECT_EQ(a.page_faults.kernel_by_syscall.at("write"), 5u);
  EXPECT_EQ(*a.device.storage_bytes.value, kPayload / 2);
  EXPECT_EQ(*a.device.nic_bytes.value, 0u);
  EXPECT_EQ(*a.device.bytes.value, kPayload / 2);
  EXPECT_DOUBLE_EQ(*a.device.passes.value, 0.5);
  EXPECT_EQ(*a.device.virtual_bytes.value, kPayload + 6000);
  // The disk moved bytes for the source and no mapping was seen for it:
  // not 0, unknown, and why.
  EXPECT_FALSE(a.device.dma_storage_bytes.value);
  EXPECT_NE(a.device.dma_storage_bytes.evidence.how.find("vda moved 33554432 bytes"),
            std::string::npos)
      << a.device.dma_storage_bytes.evidence.how;
  EXPECT_FALSE(a.device.dma_mapped_bytes.value);
  // Unowned DMA is not the source's, but is not dropped either.
  Observation o;
  o.probes = probes;
  observe(o, read_write_counters(), 0, kPayload);
  EXPECT_EQ(*o.unattributed.dma_mapped_bytes.value, 12288u);
  ASSERT_EQ(o.unattributed.by_device.size(), 1u);
  EXPECT_EQ(o.unattributed.by_device[0].device, "0000:00:02.0");
  EXPECT_EQ(o.unattributed.by_device[0].serves, "vda");
}

// DMA mappings mean one thing whatever the kernel: split by the device they
// are for (told by the disk or net device it serves) and by direction; a
// NIC's receive buffers are nobody's; an unknown device is listed apart.
TEST(Collector, DmaIsSplitByDeviceAndDirection) {
  const auto probes = reports();
  RawCounters c;
  c.samples = {
      sample(ZC_ROLE_SOURCE, ZC_KIND_BLOCK, ZC_BLOCK_READ, 0, kRead, 16, 1 << 20),
      sample(ZC_ROLE_SOURCE, ZC_KIND_BLOCK, ZC_BLOCK_READ_FAILED, 0, ZC_NO_SYSCALL, 1, 4096),
      sample(ZC_ROLE_SOURCE, ZC_KIND_NET, ZC_NET_DEVICE, 0, ZC_NO_SYSCALL, 10, 15000),
      sample(ZC_ROLE_SOURCE, ZC_KIND_NET, ZC_NET_RETRANSMIT, 0, ZC_NO_SYSCALL, 3, 4344),
  };
  c.devices = {
      device_sample(kDisk, ZC_ROLE_SOURCE, ZC_DEVK_STORAGE, ZC_BLOCK_READ, 16, 1 << 20),
      device_sample(kController, ZC_ROLE_SOURCE, ZC_DEVK_DMA, ZC_DMA_FROM_DEVICE, 16,
                    (1 << 20) - 4096),
      device_sample(kNic, ZC_ROLE_SOURCE, ZC_DEVK_DMA, ZC_DMA_TO_DEVICE, 10, 15120),
      device_sample(kNic, ZC_ROLE_SOURCE, ZC_DEVK_DMA, ZC_DMA_FROM_DEVICE, 8, 12000),
      device_sample(kNic, ZC_ROLE_NONE, ZC_DEVK_DMA, ZC_DMA_FROM_DEVICE, 4, 6000),
      device_sample(kOther, ZC_ROLE_SOURCE, ZC_DEVK_DMA, ZC_DMA_BIDIRECTIONAL, 1, 512),
  };
  c.device_info[kDisk] = device(ZC_DEV_DISK, "nvme0n1", "nvme0n1");
  c.device_info[kController] = device(ZC_DEV_STORAGE, "0000:00:04.0", "nvme0n1");
  c.device_info[kNic] = device(ZC_DEV_NIC, "0000:00:03.0", "eth0");
  const Account a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  // The failed bio is taken off again.
  EXPECT_EQ(*a.device.storage_read_bytes.value, (1u << 20) - 4096);
  EXPECT_EQ(*a.device.storage_bytes.value, (1u << 20) - 4096);
  EXPECT_EQ(*a.device.dma_storage_bytes.value, (1u << 20) - 4096);
  EXPECT_EQ(*a.device.dma_nic_bytes.value, 15120u);
  EXPECT_EQ(*a.device.dma_mapped_bytes.value, (1u << 20) - 4096 + 15120);
  EXPECT_EQ(*a.tcp.retransmitted_bytes.value, 4344u);
  EXPECT_EQ(*a.tcp.retransmitted_segments.value, 3u);
  // Rows: the disk's read, the controller's mapping, the NIC's transmit, the
  // unknown device; not the receive buffers.
  ASSERT_EQ(a.device.by_device.size(), 4u);
  for (const DeviceRow &row : a.device.by_device)
    EXPECT_EQ(row.what.find("receive buffers"), std::string::npos) << row.what;
  Observation o;
  o.probes = probes;
  observe(o, c, 0, kPayload);
  EXPECT_EQ(*o.unattributed.receive_buffer_dma_bytes.value, 18000u);
  EXPECT_EQ(*o.unattributed.dma_mapped_bytes.value, 0u);
  EXPECT_EQ(*o.unattributed.unknown_device_dma_bytes.value, 0u);
}

// Every program the kernel skipped runs of is a loss, summed and named.
TEST(Collector, ProbeRunsTheKernelSkippedAreCounted) {
  RawCounters c;
  c.programs = {{"zc_sys_enter", 100, 0, 0}, {"zc_block_bio_queue", 9, 0, 2}};
  c.devices_full = 1;
  c.targets_full = 3;
  Observation o;
  o.probes = reports();
  observe(o, c, 0, kPayload);
  EXPECT_EQ(o.probe_runs_missed, 2u);
  EXPECT_EQ(o.lost.devices, 1u);
  EXPECT_EQ(o.lost.processes, 3u);
  EXPECT_EQ(o.lost.total(), 4u);
  EXPECT_EQ(o.programs.size(), 2u);
}

TEST(Collector, ProcessFiguresComeFromTheProcess) {
  const auto probes = reports();
  ProcessObservation p;
  p.wall_ns = 123456;
  p.usage = ProcessUsage{1000, 2000, 30, 4, 5, 6};
  const Account a = build_account(ZC_ROLE_SINK, RawCounters{}, ProbeIndex(probes), p, kPayload);
  EXPECT_EQ(*a.time.wall_ns.value, 123456u);
  EXPECT_EQ(a.time.wall_ns.evidence.kind, EvidenceKind::Clock);
  EXPECT_EQ(*a.time.user_ns.value, 1000u);
  EXPECT_EQ(*a.time.sys_ns.value, 2000u);
  EXPECT_EQ(*a.page_faults.minor.value, 30u);
  EXPECT_EQ(*a.page_faults.major.value, 4u);
  EXPECT_EQ(*a.rusage.voluntary_switches.value, 5u);
  EXPECT_EQ(*a.rusage.involuntary_switches.value, 6u);
  EXPECT_EQ(a.page_faults.minor.evidence.kind, EvidenceKind::Rusage);
  const Account none = build_account(ZC_ROLE_SINK, RawCounters{}, ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(none.time.wall_ns.value);
  EXPECT_FALSE(none.page_faults.major.value);
}

TEST(Collector, StreamStatsCountLossesByKind) {
  RawCounters c;
  c.samples = {sample(ZC_ROLE_NONE, ZC_KIND_STREAM, ZC_STREAM_SUBMITTED, 0, ZC_EV_SYSCALL, 900, 0),
               sample(ZC_ROLE_NONE, ZC_KIND_STREAM, ZC_STREAM_SUBMITTED, 0, ZC_EV_PAYLOAD, 100, 0),
               sample(ZC_ROLE_NONE, ZC_KIND_STREAM, ZC_STREAM_LOST, 0, ZC_EV_SYSCALL, 40, 0),
               sample(ZC_ROLE_NONE, ZC_KIND_STREAM, ZC_STREAM_LOST, 0, ZC_EV_FAULT, 2, 0)};
  const StreamStats st = stream_stats(c, 1000);
  EXPECT_EQ(st.submitted, 1000u);
  EXPECT_EQ(st.received, 1000u);
  EXPECT_EQ(st.lost, 42u);
  ASSERT_EQ(st.lost_by_kind.size(), 2u);
  EXPECT_EQ(st.lost_by_kind[0], (std::pair<std::string, std::uint64_t>{"syscall", 40}));
  EXPECT_EQ(st.lost_by_kind[1], (std::pair<std::string, std::uint64_t>{"fault", 2}));
}

// The host: fexit refused, so skb_copy_ubufs and tcp_zerocopy_receive are
// not watched; ->sendpage is gone.
std::vector<ProbeReport> host_reports() {
  return reports({"copies:skb_copy_ubufs", "copies:tcp_zerocopy_receive", "copies:skb_copy_bits"},
                 AttachKind::TpBtf, {"copies:tcp_sendpage"});
}

ProcessObservation reporting(std::vector<ReportedFigure> figures) {
  ProcessObservation p;
  p.reported = std::move(figures);
  return p;
}

const SiteRow *find_row(const Account &a, std::uint16_t site) {
  for (const SiteRow &r : a.cpu_copy.by_site)
    if (r.site_id == site)
      return &r;
  return nullptr;
}

// A MSG_ZEROCOPY send over loopback: referenced at the send, copied later
// where nothing watches; the kernel's completions say how much.
RawCounters zerocopy_counters() {
  RawCounters c;
  c.samples = {
      sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_TCP_ZEROCOPY, ZC_DIR_REFERENCE, 44, 1024,
             kPayload),
      sample(ZC_ROLE_SINK, ZC_KIND_PAYLOAD, ZC_SITE_SKB_COPY_DATAGRAM, ZC_DIR_KERNEL_TO_USER, kRead,
             4000, kPayload),
  };
  return c;
}

TEST(Collector, TheDeferredZerocopyCopyComesFromTheCompletionsWhereNotWatched) {
  const auto probes = host_reports();
  const RawCounters c = zerocopy_counters();
  // Without the completions the sender's total is unknown, and says why.
  const Account blind = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(blind.cpu_copy.bytes.value);
  EXPECT_NE(blind.cpu_copy.bytes.evidence.how.find("skb_copy_ubufs"), std::string::npos);

  const Account a =
      build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes),
                    reporting({{"zerocopy.copied_bytes", kPayload, "copied after all"},
                               {"zerocopy.sends", 1024, "sends"}}),
                    kPayload);
  ASSERT_TRUE(a.cpu_copy.bytes.value) << a.cpu_copy.bytes.evidence.how;
  EXPECT_EQ(*a.cpu_copy.bytes.value, kPayload);
  EXPECT_EQ(a.cpu_copy.bytes.evidence.kind, EvidenceKind::Reported);
  const SiteRow *deferred = find_row(a, ZC_SITE_SKB_COPY_UBUFS);
  ASSERT_NE(deferred, nullptr);
  EXPECT_TRUE(deferred->cpu_copy);
  EXPECT_EQ(deferred->syscall, "(not watched)");
  EXPECT_NE(deferred->evidence.how.find("zerocopy.copied_bytes"), std::string::npos);
  ASSERT_TRUE(a.by_reference.bytes.value) << a.by_reference.bytes.evidence.how;
  EXPECT_EQ(*a.by_reference.bytes.value, kPayload);
  ASSERT_EQ(a.reported.count("zerocopy.sends"), 1u);
  EXPECT_EQ(*a.reported.at("zerocopy.sends").value, 1024u);
  EXPECT_EQ(a.reported.at("zerocopy.sends").evidence.kind, EvidenceKind::Reported);

  // The sink sent nothing by MSG_ZEROCOPY: the sender's completions cover
  // the deferred copies, its own total stands.
  const Account sink = build_account(ZC_ROLE_SINK, c, ProbeIndex(probes), {}, kPayload);
  ASSERT_TRUE(sink.cpu_copy.bytes.value) << sink.cpu_copy.bytes.evidence.how;
  EXPECT_EQ(*sink.cpu_copy.bytes.value, kPayload);

  // Watched (fexit), the site's own rows count and the report is only shown.
  const auto fexit = reports({}, AttachKind::Fexit);
  RawCounters watched = c;
  watched.samples.push_back(sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_SKB_COPY_UBUFS,
                                   ZC_DIR_KERNEL_TO_KERNEL, 44, 600, kPayload));
  const Account w =
      build_account(ZC_ROLE_SOURCE, watched, ProbeIndex(fexit),
                    reporting({{"zerocopy.copied_bytes", kPayload, "copied"}}), kPayload);
  EXPECT_EQ(*w.cpu_copy.bytes.value, kPayload);
  EXPECT_EQ(find_row(w, ZC_SITE_SKB_COPY_UBUFS)->evidence.kind, EvidenceKind::Site);
}

TEST(Collector, IoUringReadsAreSizedByTheirCompletions) {
  // READs inside io_uring_enter: the tracepoint tier saw the lookups, no
  // syscall return sizes them; the CQEs do.
  RawCounters c;
  c.samples = {
      sample(ZC_ROLE_SOURCE, ZC_KIND_FILEMAP, ZC_FILEMAP_GET_PAGES, 0, 426, 1024, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_TCP_SENDMSG, ZC_DIR_USER_TO_KERNEL, 426, 1024,
             kPayload)};
  const auto probes = host_reports();
  const Account unsized = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  EXPECT_FALSE(unsized.cpu_copy.bytes.value);
  EXPECT_NE(unsized.cpu_copy.bytes.evidence.how.find("1024 page-cache lookups"), std::string::npos)
      << unsized.cpu_copy.bytes.evidence.how;
  const Account a =
      build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes),
                    reporting({{"uring.read_bytes", kPayload, "CQE bytes"}}), kPayload);
  ASSERT_TRUE(a.cpu_copy.bytes.value) << a.cpu_copy.bytes.evidence.how;
  EXPECT_DOUBLE_EQ(*a.cpu_copy.passes.value, 2.0);
  EXPECT_EQ(find_row(a, ZC_SITE_FILEMAP_READ)->dir, ZC_DIR_KERNEL_TO_USER);
  // Lookups inside read() are sized by its return: not unsized.
  RawCounters r = read_write_counters();
  r.samples.push_back(
      sample(ZC_ROLE_SOURCE, ZC_KIND_FILEMAP, ZC_FILEMAP_GET_PAGES, 0, kRead, 1024, kPayload));
  EXPECT_TRUE(
      build_account(ZC_ROLE_SOURCE, r, ProbeIndex(probes), {}, kPayload).cpu_copy.bytes.value);
}

TEST(Collector, ZerocopyReceiveIsNeededOnlyWhereTheSinkUsesIt) {
  const auto probes = host_reports();
  // Any other method: the unwatched receive site does not hide a copy.
  const Account plain =
      build_account(ZC_ROLE_SINK, read_write_counters(), ProbeIndex(probes), {}, kPayload);
  ASSERT_TRUE(plain.by_reference.bytes.value) << plain.by_reference.bytes.evidence.how;
  // A sink that mapped pages says how many: by reference, not copied.
  RawCounters c;
  c.samples = {sample(ZC_ROLE_SINK, ZC_KIND_PAYLOAD, ZC_SITE_SKB_COPY_DATAGRAM,
                      ZC_DIR_KERNEL_TO_USER, kRead, 10, 4 << 20)};
  const Account a = build_account(
      ZC_ROLE_SINK, c, ProbeIndex(probes),
      reporting({{"zc_receive.mapped_bytes", kPayload - (4 << 20), "mapped"}}), kPayload);
  ASSERT_TRUE(a.cpu_copy.bytes.value && a.by_reference.bytes.value);
  EXPECT_EQ(*a.cpu_copy.bytes.value, 4u << 20);
  EXPECT_EQ(*a.by_reference.bytes.value, kPayload - (4 << 20));
  EXPECT_EQ(find_row(a, ZC_SITE_TCP_ZC_RECEIVE)->evidence.kind, EvidenceKind::Reported);
}

TEST(Collector, PagedBytesThatReachTheDriverLinearWereCopied) {
  // sendfile over a route without scatter-gather: references at TCP, then
  // the stack makes the pages linear before the device.
  RawCounters c;
  c.samples = {
      sample(ZC_ROLE_SOURCE, ZC_KIND_PAYLOAD, ZC_SITE_TCP_SENDMSG, ZC_DIR_REFERENCE, kSendfile,
             1024, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_NET, ZC_NET_QUEUED_PAGED, 0, ZC_NO_SYSCALL, 100, kPayload),
      sample(ZC_ROLE_SOURCE, ZC_KIND_NET, ZC_NET_XMIT_PAGED, 0, ZC_NO_SYSCALL, 11000, 0),
  };
  const auto probes = reports();
  const Account a = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  ASSERT_TRUE(a.cpu_copy.bytes.value) << a.cpu_copy.bytes.evidence.how;
  EXPECT_DOUBLE_EQ(*a.cpu_copy.passes.value, 1.0);
  const SiteRow *lin = find_row(a, ZC_SITE_XMIT_LINEARIZE);
  ASSERT_NE(lin, nullptr);
  EXPECT_EQ(lin->dir, ZC_DIR_KERNEL_TO_KERNEL);
  EXPECT_EQ(lin->evidence.kind, EvidenceKind::Derived);
  // With scatter-gather the pages reach the driver as they were queued.
  c.samples[2].val.bytes = kPayload;
  const Account sg = build_account(ZC_ROLE_SOURCE, c, ProbeIndex(probes), {}, kPayload);
  EXPECT_EQ(*sg.cpu_copy.bytes.value, 0u);
  EXPECT_EQ(find_row(sg, ZC_SITE_XMIT_LINEARIZE), nullptr);
  // Without net_dev_queue the total cannot be complete.
  const auto no_queue = reports({"net:net_dev_queue"});
  EXPECT_FALSE(
      build_account(ZC_ROLE_SOURCE, c, ProbeIndex(no_queue), {}, kPayload).cpu_copy.bytes.value);
}

} // namespace
} // namespace zc
