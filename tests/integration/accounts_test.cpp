// What each copy method really costs on this kernel, asserted on real runs
// (64 MiB in 64 KiB chunks, warm cache, loopback TCP).
//
// Tolerances. Byte counts at copy sites are exact: every payload byte passes
// each site exactly once and the counts are syscall returns and socket
// lengths, so they are compared for equality. Syscall counts of the data
// path are exact too (a blocking 64 KiB read of a cached file and a blocking
// 64 KiB write to a TCP socket are never short); only setup and teardown
// (open, socket, connect, close, exit, an allocation) is bounded, by 16
// calls. Scheduler switches and faults are compared with the kernel's own
// rusage exactly, but for one mechanism: a thread that exits switches out a
// last time after it became a zombie, and wait4 may reap it (and read its
// rusage) before that switch; zctrace counts those last switches apart
// (context_switches.exits), so rusage's voluntary switches lie between the
// count without them and the count with them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.h"

namespace zc::test {
namespace {

constexpr std::uint64_t kSetupCalls = 16;

void expect_modes_are_twice_the_syscalls(const Account &a) {
  std::uint64_t sum = 0;
  for (const auto &[name, row] : a.syscalls.by_name)
    sum += row.count;
  ASSERT_TRUE(a.syscalls.total.value);
  EXPECT_EQ(*a.syscalls.total.value, sum);
  EXPECT_EQ(*a.mode_switches.value, 2 * sum);
}

void expect_agrees_with_rusage(const Account &a) {
  ASSERT_TRUE(a.rusage.voluntary_switches.value);
  const std::uint64_t voluntary = *a.context_switches.voluntary.value;
  const std::uint64_t exits = *a.context_switches.exits.value;
  EXPECT_GE(exits, 1u) << a.role; // the process's own thread exited
  EXPECT_LE(*a.rusage.voluntary_switches.value, voluntary) << a.role;
  EXPECT_GE(*a.rusage.voluntary_switches.value, voluntary - exits) << a.role;
  EXPECT_EQ(*a.context_switches.involuntary.value, *a.rusage.involuntary_switches.value) << a.role;
  EXPECT_EQ(*a.page_faults.user.value + *a.page_faults.kernel.value,
            *a.page_faults.minor.value + *a.page_faults.major.value)
      << a.role;
}

// The sink's side is the same for every method: one receive copy.
void expect_sink_copies_once(const RunResult &r) {
  const Account &sink = r.sink;
  EXPECT_EQ(site_bytes(sink, "skb_copy_datagram_iter", "kernel->user"), kSize);
  EXPECT_EQ(*sink.cpu_copy.bytes.value, kSize);
  EXPECT_DOUBLE_EQ(*sink.cpu_copy.passes.value, 1.0);
  EXPECT_EQ(sink.syscalls.by_name.at("read").bytes, kSize);
  expect_modes_are_twice_the_syscalls(sink);
  expect_agrees_with_rusage(sink);
}

TEST(Accounts, ReadWriteCopiesTwiceOnTheSource) {
  const RunResult r = run("read_write");
  expect_intact(r);
  const Account &src = r.source;
  EXPECT_EQ(site_bytes(src, "filemap_read", "kernel->user"), kSize);
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "user->kernel"), kSize);
  EXPECT_EQ(*src.cpu_copy.bytes.value, 2 * kSize);
  EXPECT_DOUBLE_EQ(*src.cpu_copy.passes.value, 2.0);
  EXPECT_EQ(*src.by_reference.bytes.value, 0u);
  EXPECT_EQ(calls(src, "read"), kChunks);
  EXPECT_EQ(calls(src, "write"), kChunks);
  EXPECT_LE(*src.syscalls.total.value, 2 * kChunks + kSetupCalls);
  // Warm cache: the disk moved nothing.
  EXPECT_EQ(*src.device.storage_bytes.value, 0u);
  expect_modes_are_twice_the_syscalls(src);
  expect_agrees_with_rusage(src);
  expect_sink_copies_once(r);
}

TEST(Accounts, MmapWriteCopiesOnceAndFaultsInsideWrite) {
  const RunResult r = run("mmap_write");
  expect_intact(r);
  const Account &src = r.source;
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "user->kernel"), kSize);
  EXPECT_EQ(site_bytes(src, "filemap_read", "kernel->user"), 0u);
  EXPECT_EQ(*src.cpu_copy.bytes.value, kSize);
  EXPECT_DOUBLE_EQ(*src.cpu_copy.passes.value, 1.0);
  EXPECT_EQ(calls(src, "mmap"), 1u);
  EXPECT_EQ(calls(src, "write"), kChunks);
  EXPECT_EQ(calls(src, "read"), 0u);
  // The mapping's pages are first touched by write() copying from them: the
  // file faults are taken in kernel mode, inside write.
  ASSERT_TRUE(src.page_faults.kernel.value);
  EXPECT_GT(*src.page_faults.kernel.value, 0u);
  EXPECT_EQ(src.page_faults.kernel_by_syscall.at("write"), *src.page_faults.kernel.value);
  EXPECT_GT(*src.page_faults.file_fault_around.value + *src.page_faults.file_fault.value, 0u);
  expect_modes_are_twice_the_syscalls(src);
  expect_agrees_with_rusage(src);
  expect_sink_copies_once(r);
}

TEST(Accounts, SendfileMakesNoSourceCopyOverLoopback) {
  const RunResult r = run("sendfile");
  expect_intact(r);
  const Account &src = r.source;
  // lo has NETIF_F_SG: tcp_sendmsg_locked takes page references.
  EXPECT_EQ(*src.cpu_copy.bytes.value, 0u);
  EXPECT_DOUBLE_EQ(*src.cpu_copy.passes.value, 0.0);
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "by reference"), kSize);
  EXPECT_EQ(*src.by_reference.bytes.value, kSize);
  EXPECT_EQ(calls(src, "sendfile"), kChunks);
  EXPECT_EQ(src.syscalls.by_name.at("sendfile").bytes, kSize);
  EXPECT_LE(*src.syscalls.total.value, kChunks + kSetupCalls);
  expect_modes_are_twice_the_syscalls(src);
  expect_agrees_with_rusage(src);
  expect_sink_copies_once(r);
}

TEST(Accounts, SpliceMakesNoSourceCopyAndTakesTwoCallsPerChunk) {
  const RunResult r = run("splice");
  expect_intact(r);
  const Account &src = r.source;
  EXPECT_EQ(*src.cpu_copy.bytes.value, 0u);
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "by reference"), kSize);
  // file -> pipe, then pipe -> socket: two calls per pipe-sized chunk. A
  // pipe -> socket splice cut short would need a third; allow 1 in 100.
  EXPECT_GE(calls(src, "splice"), 2 * kChunks);
  EXPECT_LE(calls(src, "splice"), 2 * kChunks + kChunks / 100);
  EXPECT_EQ(src.syscalls.by_name.at("splice").bytes, 2 * kSize);
  expect_modes_are_twice_the_syscalls(src);
  expect_agrees_with_rusage(src);
  expect_sink_copies_once(r);
}

TEST(Accounts, ColdCacheShowsTheDiskTransferForEveryMethod) {
  // Readahead reads the whole file once, in bios the source queued (some
  // split, some requests re-issued by kblockd when the device pushes back):
  // one storage pass, the source's. Now and then 8 KiB to 8 MiB of it are
  // not found to be the source's (no owner was found for those requests at
  // issue; not yet explained): never more than one pass, at least 7/8.
  for (const std::string method : {"read_write", "mmap_write", "sendfile", "splice"}) {
    RunRequest req = request(method);
    req.cache = workloads::CacheMode::Cold;
    const RunResult r = run(req);
    expect_intact(r);
    EXPECT_EQ(r.cache.resident_before, 0u) << method;
    EXPECT_LE(*r.source.device.storage_bytes.value, kSize) << method;
    EXPECT_GE(*r.source.device.storage_bytes.value, kSize / 8 * 7) << method;
    EXPECT_EQ(*r.sink.device.storage_bytes.value, 0u) << method;
  }
}

TEST(Accounts, LoopbackIsNotADeviceTransfer) {
  const RunResult r = run("sendfile");
  expect_intact(r);
  // Everything went to lo (payload plus headers), nothing to a real NIC.
  EXPECT_GE(*r.source.device.virtual_bytes.value, kSize);
  EXPECT_EQ(*r.source.device.nic_bytes.value, 0u);
  EXPECT_EQ(*r.source.device.bytes.value, 0u);
}

TEST(Accounts, EveryFigureStatesItsEvidence) {
  const RunResult r = run("mmap_write");
  for (const Account *a : {&r.source, &r.sink})
    for_each_figure(*a, [&](const char *path, const auto &fig) {
      if (fig.value) {
        EXPECT_NE(fig.evidence.kind, EvidenceKind::Unavailable) << a->role << " " << path;
      } else {
        EXPECT_FALSE(fig.evidence.how.empty())
            << a->role << " " << path << " is null without a reason";
      }
      if (fig.evidence.kind == EvidenceKind::Tracepoint ||
          fig.evidence.kind == EvidenceKind::Site) {
        EXPECT_FALSE(fig.evidence.probes.empty()) << a->role << " " << path;
      }
    });
  for (const SiteRow &row : r.source.cpu_copy.by_site)
    EXPECT_FALSE(row.evidence.probes.empty()) << row.site;
}

} // namespace
} // namespace zc::test
