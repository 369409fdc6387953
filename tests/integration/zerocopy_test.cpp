// Zero-copy fallback seen without the application's help: what the kernel
// handed a process about its MSG_ZEROCOPY and io_uring SEND_ZC sends (the
// error-queue completions it dequeued, read back from its memory as
// recvmsg returns; the io_uring notifications posted, overflowed ones
// included), checked against what the workload itself read from those
// completions. Over loopback every such send is copied later
// (skb_copy_ubufs), and the kernel says so in each completion.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <regex>

#include "documents.h"
#include "harness.h"
#include "probe_report.h"

namespace zc::test {
namespace {

constexpr std::uint64_t kZcSize = 16ull << 20;

void expect_kernel_agrees_with_the_workload(const std::string &method) {
  const RunResult r = run(request(method, kZcSize));
  expect_intact(r);
  const auto &z = r.source.zerocopy;
  ASSERT_TRUE(z.asked_sends.value && z.asked_bytes.value && z.completed_sends.value &&
              z.copied_sends.value)
      << z.completed_sends.evidence.how;
  // Asked: every send took the zero-copy path, as many as the workload made.
  EXPECT_EQ(*z.asked_bytes.value, kZcSize);
  EXPECT_EQ(*z.asked_sends.value, reported(r.source, "zerocopy.sends"));
  // The completions cover every send, and the kernel's "copied" verdicts are
  // the ones the workload read.
  EXPECT_EQ(*z.completed_sends.value, *z.asked_sends.value);
  EXPECT_EQ(*z.copied_sends.value, reported(r.source, "zerocopy.copied_sends"));
  EXPECT_EQ(*z.copied_sends.value, *z.asked_sends.value); // loopback: all copied
  // The bytes copied later: at skb_copy_ubufs where it can be watched, else
  // null with the reason.
  const ProbeIndex probes(r.probes);
  const ProbeReport *ubufs = probes.attached("copies:skb_copy_ubufs");
  if (ubufs && ubufs->evidence == EvidenceKind::Site) {
    ASSERT_TRUE(z.copied_bytes.value);
    EXPECT_EQ(*z.copied_bytes.value, site_bytes(r.source, "skb_copy_ubufs", "kernel->kernel"));
  } else {
    EXPECT_FALSE(z.copied_bytes.value);
    EXPECT_NE(z.copied_bytes.evidence.how.find("skb_copy_ubufs"), std::string::npos);
  }
  // The sink made no zero-copy send and was handed no completion.
  EXPECT_EQ(r.sink.zerocopy.asked_sends.value.value_or(1), 0u);
  EXPECT_EQ(r.sink.zerocopy.completed_sends.value.value_or(1), 0u);
}

TEST(Zerocopy, MsgZerocopyCompletionsAsTheProcessDequeuedThem) {
  expect_kernel_agrees_with_the_workload("msg_zerocopy");
}

// The ring overflows now and then (the workload reaps completions in
// batches): notifications posted to the overflow list count too.
TEST(Zerocopy, IoUringSendZcNotificationsOverflowedOnesIncluded) {
  expect_kernel_agrees_with_the_workload("io_uring_send_zc");
}

// A program nobody here wrote the workload of: Python's sockets with
// MSG_ZEROCOPY, traced. When it reads its completions, zctrace's counts are
// the program's own; when it ignores them, nothing was dequeued to read,
// and the sends asked for stay counted.
TEST(Zerocopy, ATracedProgramsCompletionsAreItsOwnCounts) {
  const std::filesystem::path out = std::filesystem::temp_directory_path() /
                                    ("zctrace-zerocopy-" + std::to_string(getpid()) + ".json");
  for (const std::string mode : {"read", "ignore"}) {
    SCOPED_TRACE(mode);
    const ToolResult c =
        run_tool(zctrace({"trace", "--json", out.string(), "--", "python3",
                          ZCTRACE_SOURCE_DIR "/tests/programs/py_zerocopy.py", "64", mode}));
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        c.out, m, std::regex("sends 64 completions (\\d+) copied (\\d+) received (\\d+)")))
        << c.out;
    EXPECT_EQ(std::stoull(m[3]), 64u << 16);
    const auto doc = read_document(out);
    const auto &z = doc.at("program").at("zerocopy");
    EXPECT_EQ(z.at("asked_bytes"), 64u << 16);
    EXPECT_EQ(z.at("completed_sends").get<std::uint64_t>(), std::stoull(m[1]));
    EXPECT_EQ(z.at("copied_sends").get<std::uint64_t>(), std::stoull(m[2]));
    if (mode == "read") {
      EXPECT_EQ(z.at("completed_sends"), z.at("asked_sends"));
      EXPECT_EQ(z.at("copied_sends"), z.at("asked_sends")); // loopback: every send copied
    } else {
      EXPECT_GE(z.at("asked_sends").get<std::uint64_t>(), 64u);
      EXPECT_EQ(z.at("completed_sends"), 0u);
    }
    EXPECT_NE(c.out.find("zero-copy sends, and what the kernel said of them"), std::string::npos)
        << c.out;
  }
  std::filesystem::remove(out);
}

} // namespace
} // namespace zc::test
