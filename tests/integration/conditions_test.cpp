// Conditions that change the answer: scatter-gather on the route (a veth
// pair zctrace creates and removes), and the same method under each.
#include <gtest/gtest.h>

#include <net/if.h>

#include <filesystem>

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

RunResult run_over_veth(const std::string &method, bool sg) {
  RunRequest req = request(method);
  req.scatter_gather = sg;
  return run(req);
}

TEST(Conditions, SendfileWithoutScatterGatherCopiesOnceOnTheSendSide) {
  const std::size_t devices = zctrace_devices();
  const RunResult r = run_over_veth("sendfile", false);
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  EXPECT_EQ(r.params.route, "veth, scatter-gather off");
  ASSERT_TRUE(r.params.scatter_gather.has_value());
  EXPECT_FALSE(*r.params.scatter_gather);
  // TCP still takes page references; the stack copies them into linear
  // buffers before the device: the articles' "sendfile: 1 CPU copy".
  EXPECT_EQ(rows_at(r.source, ZC_SITE_XMIT_LINEARIZE), kSize);
  ASSERT_TRUE(r.source.cpu_copy.passes.value) << r.source.cpu_copy.bytes.evidence.how;
  EXPECT_DOUBLE_EQ(*r.source.cpu_copy.passes.value, 1.0);
  // veth has no hardware behind it: no device transfer.
  EXPECT_EQ(*r.source.device.nic_bytes.value, 0u);
  EXPECT_GE(*r.source.device.virtual_bytes.value, kSize);
  EXPECT_EQ(zctrace_devices(), devices) << "the veth pair was left behind";
}

TEST(Conditions, SendfileWithScatterGatherMakesNoSourceCopy) {
  const RunResult r = run_over_veth("sendfile", true);
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  EXPECT_EQ(r.params.route, "veth, scatter-gather on");
  EXPECT_EQ(rows_at(r.source, ZC_SITE_XMIT_LINEARIZE), 0u);
  EXPECT_EQ(*r.source.cpu_copy.bytes.value, 0u);
  EXPECT_EQ(*r.source.by_reference.bytes.value, kSize);
}

TEST(Conditions, WithoutScatterGatherEvenWriteCopiesTwiceOnTheSendSide) {
  const RunResult r = run_over_veth("mmap_write", false);
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  // Into the socket's page fragments, then into linear buffers.
  EXPECT_EQ(site_bytes(r.source, "tcp_sendmsg_locked", "user->kernel"), kSize);
  EXPECT_EQ(rows_at(r.source, ZC_SITE_XMIT_LINEARIZE), kSize);
  EXPECT_DOUBLE_EQ(*r.source.cpu_copy.passes.value, 2.0);
}

} // namespace
} // namespace zc::test
