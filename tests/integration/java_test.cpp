// The Java methods: a JVM of Debian's OpenJDK sends the file the two ways
// Java brokers do, and the account shows what it really calls. Each figure
// is checked against the program's own count of what it sent, the
// syscalls' returns, and the descriptor flows; the claims the articles make
// about them are verified. Without a JVM they are skipped with the reason
// and the other methods still run.
#include <gtest/gtest.h>

#include "claim_check.h"
#include "harness.h"
#include "method_use.h"

namespace zc::test {
namespace {

constexpr std::uint64_t kJavaSize = 16ull << 20;

RunResult run_java(const std::string &method) { return run(request(method, kJavaSize)); }

// Bytes the source's processes moved from a file to a socket, by method.
std::map<std::string, std::uint64_t> to_sockets(const RunResult &r) {
  std::map<std::string, std::uint64_t> out;
  for (const analysis::MethodUse &u : analysis::method_uses(r.flows, r.process_roles))
    if (u.role == "source" && u.to && u.to->kind == ZC_FD_SOCK && u.from &&
        (u.from->kind == ZC_FD_REG || u.from->kind == ZC_FD_MAPPED))
      out[u.method] += u.bytes;
  return out;
}

// As expect_intact, but for the lookups of mappings: the JVM's threads
// hold its mmap_lock so often that the BPF side's try (bpf_find_vma) finds
// it busy now and then, for a write fault's mapping (counted as
// fault_lookups) or a write's buffer (buffer_lookups), and says so. The
// faults only decide copy-on-write of the payload file, which the JVM maps
// read-only (MapMode.READ_ONLY) or not at all (transferTo): none of them
// can be a copy of the payload. The writes are checked where they matter.
void expect_intact_but_busy_mappings(const RunResult &r) {
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  EXPECT_EQ(r.integrity.received_bytes, r.params.size);
  EXPECT_EQ(r.lost.total(), r.lost.fault_lookups + r.lost.buffer_lookups);
  EXPECT_EQ(r.probe_runs_missed, 0u);
  EXPECT_TRUE(r.deaths.empty());
  EXPECT_EQ(site_bytes(r.source, "copy_on_write", "kernel->kernel"), 0u);
}

void expect_claims_hold(const RunResult &r) {
  bool any = false;
  for (const analysis::Claim *c : analysis::claims_for(r))
    for (const analysis::Verdict &v : analysis::check_claim(*c, r)) {
      ASSERT_TRUE(v.holds.has_value()) << v.text;
      EXPECT_TRUE(*v.holds) << v.text;
      any = true;
    }
  EXPECT_TRUE(any);
}

TEST(Java, TransferToIsSendfileFromTheFileToTheSocket) {
  const RunResult r = run_java("java_transfer_to");
  expect_intact_but_busy_mappings(r);
  const Account &src = r.source;
  // The program's own count, what the sink received, and sendfile's returns.
  EXPECT_EQ(reported(src, "java.sent_bytes"), kJavaSize);
  ASSERT_EQ(src.syscalls.by_name.count("sendfile"), 1u);
  EXPECT_EQ(src.syscalls.by_name.at("sendfile").bytes, kJavaSize);
  const auto methods = to_sockets(r);
  EXPECT_EQ(methods.at("sendfile"), kJavaSize);
  EXPECT_EQ(methods.size(), 1u); // nothing else went from a file to a socket
  // Over loopback (scatter-gather) the pages go to TCP by reference.
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "by reference"), kJavaSize);
  // The JVM is a child of the source, followed and accounted with it.
  EXPECT_GT(r.process_roles.size(), 2u);
  expect_claims_hold(r);
}

TEST(Java, MappedByteBufferIsMmapThenWriteFromTheMapping) {
  const RunResult r = run_java("java_mapped_buffer");
  expect_intact_but_busy_mappings(r);
  const Account &src = r.source;
  EXPECT_EQ(reported(src, "java.sent_bytes"), kJavaSize);
  // write() from the file's own mapping: the buffer's address lies in a
  // mapping of the data file (the flows look it up), and TCP copies it.
  // A write whose buffer lookup found mmap_lock busy (counted) is shown as
  // a plain write from user memory: each such write to the socket moved one
  // 64 KiB chunk at most. Lookups fail for the JVM's other writes too (its
  // output pipe), so they bound the plain bytes rather than fix them.
  std::uint64_t plain = 0;
  for (const analysis::MethodUse &u : analysis::method_uses(r.flows, r.process_roles))
    if (u.role == "source" && u.method == "write" && u.to && u.to->kind == ZC_FD_SOCK)
      plain += u.bytes;
  const auto methods = to_sockets(r);
  EXPECT_EQ(methods.at("mmap+write") + plain, kJavaSize);
  EXPECT_LE(plain, r.lost.buffer_lookups * kChunk);
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "user->kernel"), kJavaSize);
  EXPECT_EQ(src.syscalls.by_name.count("sendfile"), 0u);
  expect_claims_hold(r);
}

// No JVM: a skip with the reason (exit 4), never a failure of the others.
TEST(Java, WithoutAJvmTheJavaMethodsAreSkippedWithTheReason) {
  const std::vector<std::string> env = {"env", "ZCTRACE_JAVA=/nonexistent/java"};
  auto with_env = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = env;
    for (const std::string &a : zctrace(std::move(args)))
      argv.push_back(a);
    return run_tool(argv);
  };
  const ToolResult run = with_env({"run", "java_transfer_to", "--size", "4M"});
  expect_one_line_error(run, 4, "java_transfer_to cannot run here: no JVM at /nonexistent/java");
  const ToolResult cmp =
      with_env({"compare", "java_mapped_buffer", "mmap_write", "--size", "4M", "--wide"});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.out << cmp.err;
  EXPECT_NE(cmp.out.find("no JVM at /nonexistent/java"), std::string::npos) << cmp.out;
  EXPECT_NE(cmp.out.find("mmap_write"), std::string::npos) << cmp.out;
}

} // namespace
} // namespace zc::test
