// Conditions that change the answer: scatter-gather on the route (a veth
// pair zctrace creates and removes), and the same method under each.
#include <gtest/gtest.h>

#include <net/if.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bpf_abi.h"
#include "error.h"
#include "harness.h"
#include "uncached.h"

namespace zc::test {
namespace {

// Network devices zctrace made for its routes ("zcv<pid>s", "zcv<pid>r").
std::size_t zctrace_devices() {
  std::size_t n = 0;
  for (const auto &e : std::filesystem::directory_iterator("/sys/class/net"))
    n += e.path().filename().string().rfind("zcv", 0) == 0;
  return n;
}

// TCP segments this network namespace (the source's) retransmitted so far
// (/proc/net/snmp, Tcp: RetransSegs).
std::uint64_t retransmitted_segments() {
  std::ifstream in("/proc/net/snmp");
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    if (names.rfind("Tcp:", 0) != 0)
      continue;
    std::istringstream n(names), v(values);
    for (std::string name, value; n >> name && v >> value;)
      if (name == "RetransSegs")
        return std::stoull(value);
  }
  ADD_FAILURE() << "no Tcp: RetransSegs in /proc/net/snmp";
  return 0;
}

struct VethRun {
  RunResult result;
  std::uint64_t retransmitted = 0; // segments the source sent again during the run
};

VethRun run_over_veth(const std::string &method, bool sg) {
  RunRequest req = request(method);
  req.scatter_gather = sg;
  const std::uint64_t before = retransmitted_segments();
  VethRun v{run(req), 0};
  v.retransmitted = retransmitted_segments() - before;
  return v;
}

// Without scatter-gather every transmitted segment is linearized: the
// payload once, and again each segment TCP retransmits (veth drops when the
// receiving CPU falls behind), at most an MSS (MTU 1500) each.
void expect_linearized_once(const VethRun &v) {
  const std::uint64_t linearized = rows_at(v.result.source, ZC_SITE_XMIT_LINEARIZE);
  EXPECT_GE(linearized, kSize);
  EXPECT_LE(linearized - kSize, v.retransmitted * 1448) << v.retransmitted << " retransmitted";
}

TEST(Conditions, SendfileWithoutScatterGatherCopiesOnceOnTheSendSide) {
  const std::size_t devices = zctrace_devices();
  const VethRun v = run_over_veth("sendfile", false);
  const RunResult &r = v.result;
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  EXPECT_EQ(r.params.route, "veth, scatter-gather off");
  ASSERT_TRUE(r.params.scatter_gather.has_value());
  EXPECT_FALSE(*r.params.scatter_gather);
  // TCP still takes page references; the stack copies them into linear
  // buffers before the device: the articles' "sendfile: 1 CPU copy".
  expect_linearized_once(v);
  ASSERT_TRUE(r.source.cpu_copy.bytes.value) << r.source.cpu_copy.bytes.evidence.how;
  EXPECT_EQ(*r.source.cpu_copy.bytes.value, rows_at(r.source, ZC_SITE_XMIT_LINEARIZE));
  // veth has no hardware behind it: no device transfer.
  EXPECT_EQ(*r.source.device.nic_bytes.value, 0u);
  EXPECT_GE(*r.source.device.virtual_bytes.value, kSize);
  EXPECT_EQ(zctrace_devices(), devices) << "the veth pair was left behind";
}

TEST(Conditions, SendfileWithScatterGatherMakesNoSourceCopy) {
  const RunResult r = run_over_veth("sendfile", true).result;
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  EXPECT_EQ(r.params.route, "veth, scatter-gather on");
  EXPECT_EQ(rows_at(r.source, ZC_SITE_XMIT_LINEARIZE), 0u);
  EXPECT_EQ(*r.source.cpu_copy.bytes.value, 0u);
  EXPECT_EQ(*r.source.by_reference.bytes.value, kSize);
}

TEST(Conditions, WithoutScatterGatherEvenWriteCopiesTwiceOnTheSendSide) {
  const VethRun v = run_over_veth("mmap_write", false);
  const RunResult &r = v.result;
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  // Into the socket's page fragments, then into linear buffers.
  EXPECT_EQ(site_bytes(r.source, "tcp_sendmsg_locked", "user->kernel"), kSize);
  expect_linearized_once(v);
  EXPECT_EQ(*r.source.cpu_copy.bytes.value, kSize + rows_at(r.source, ZC_SITE_XMIT_LINEARIZE));
}

} // namespace
} // namespace zc::test

namespace zc::test {
namespace {

// The readahead window of the disk holding `dir`, in 4 KiB pages
// (/sys/dev/block/MAJ:MIN/queue/read_ahead_kb, a partition's from its disk).
std::uint64_t readahead_pages(const std::string &dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0)
    return 0;
  const std::string base =
      "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
  for (const char *queue : {"/queue/read_ahead_kb", "/../queue/read_ahead_kb"}) {
    std::ifstream in(base + queue);
    std::uint64_t kb = 0;
    if (in >> kb)
      return kb / 4;
  }
  ADD_FAILURE() << "no read_ahead_kb for the disk of " << dir;
  return 0;
}

// --uncached: read_write's reads become preadv2(RWF_DONTCACHE) (Linux 6.14).
// The same copies, the file's pages gone from the cache once read; a cold
// plain run leaves every page cached. What the disk moved is checked against
// the source's /proc/PID/io read_bytes.
TEST(Conditions, UncachedReadsCopyTheSameAndLeaveTheFileUncached) {
  RunRequest req = request("read_write", 16ull << 20);
  req.cache = workloads::CacheMode::Cold;
  req.uncached = true;
  if (const std::string why = workloads::uncached_reads_unavailable(req.dir); !why.empty())
    GTEST_SKIP() << why;
  const RunResult u = run(req);
  req.uncached = false;
  const RunResult plain = run(req);
  for (const RunResult *r : {&u, &plain}) {
    SCOPED_TRACE(r->params.uncached ? "uncached" : "plain");
    expect_intact(*r);
    EXPECT_EQ(rows_at(r->source, ZC_SITE_FILEMAP_READ), req.size);
    EXPECT_EQ(r->source.cpu_copy.passes.value, 2.0);
    // The disk's bytes: zctrace's bios against the kernel's count for the process.
    ASSERT_TRUE(r->source.device.storage_read_bytes.value.has_value());
    EXPECT_EQ(r->source.device.storage_read_bytes.value, r->source.rusage.io_read_bytes.value);
    EXPECT_GE(*r->source.device.storage_read_bytes.value, req.size);
  }
  EXPECT_TRUE(u.params.uncached);
  EXPECT_EQ(calls(u.source, "preadv2"), req.size / req.chunk);
  EXPECT_EQ(calls(u.source, "read"), 0u);
  EXPECT_EQ(u.source.reported.at("calls.preadv2").value, req.size / req.chunk);
  // Every page the plain run read stays cached; the uncached run drops the
  // folios it brought in as each read finishes with them. A readahead folio
  // no read reached would stay: at most one readahead window of the disk.
  EXPECT_EQ(plain.cache.resident_after, plain.cache.file_pages);
  EXPECT_LE(u.cache.resident_after, readahead_pages(req.dir));

  // Only read_write reads so; a method that does not, or a kernel without it, says why.
  RunRequest other = request("sendfile");
  other.uncached = true;
  EXPECT_THROW(check_request(other), UsageError);
}

} // namespace
} // namespace zc::test
