// Conditions that change the answer: scatter-gather on the route (a veth
// pair zctrace creates and removes), and the same method under each.
#include <gtest/gtest.h>

#include <net/if.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bpf_abi.h"
#include "harness.h"

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
