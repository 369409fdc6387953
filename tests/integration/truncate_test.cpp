// mmap_truncate on this kernel: what happens to a writer whose mapped file
// another process truncates, with and without a read lease, each figure
// checked against a route of its own: the workload's own view (its write()
// returns, its signal handler, its clocks around truncate()), the kernel's
// rusage, mincore() on the file afterwards, and the process's exit status.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>

#include "claim_check.h"
#include "documents.h"
#include "harness.h"

namespace zc::test {
namespace {

constexpr std::uint64_t kTruncSize = 16ull << 20;
constexpr std::uint64_t kPage = 4096;

RunResult run_truncate(bool lease) {
  RunRequest req = request("mmap_truncate", kTruncSize);
  req.lease = lease;
  return run(req);
}

// The signals the kernel generated for the role, by name (0 when none).
std::uint64_t generated(const Account &a, const std::string &signal) {
  EXPECT_TRUE(a.signals.generated.value) << a.signals.generated.evidence.how;
  const auto it = a.signals.by_signal.find(signal);
  return it == a.signals.by_signal.end() ? 0 : it->second.generated;
}

// What every mmap_truncate run must show, lease or not.
void expect_common(const RunResult &r) {
  expect_intact(r);
  const Account &src = r.source;
  const std::uint64_t sent = reported(src, "sent_bytes");
  // The sink received exactly what the source's writes returned: the
  // integrity check compared the bytes and their CRC32C.
  EXPECT_EQ(r.integrity.received_bytes, sent);
  EXPECT_EQ(r.integrity.expected_bytes, sent);
  EXPECT_EQ(reported(src, "truncate.sent_first"), kTruncSize / 2);
  // No process died, so no SIGBUS (whose default action kills) was
  // delivered, and the kernel generated none.
  EXPECT_TRUE(r.deaths.empty());
  EXPECT_EQ(generated(src, "SIGBUS"), 0u);
  // The truncater's exit: SIGCHLD, which the source ignores by default.
  ASSERT_EQ(generated(src, "SIGCHLD"), 1u);
  EXPECT_EQ(src.signals.by_signal.at("SIGCHLD").not_queued, 1u);
  EXPECT_EQ(src.signals.by_signal.at("SIGCHLD").from_itself, 0u);
  EXPECT_EQ(generated(r.sink, "SIGBUS"), 0u);
  // mincore() after the run: the cache holds the file up to the cut and
  // nothing beyond it (warm cache: every page was resident before).
  EXPECT_EQ(r.cache.resident_after, reported(src, "truncate.length") / kPage);
  // The truncater's one truncate() is counted as the source's (a child
  // the source forked), and it succeeded.
  ASSERT_EQ(src.syscalls.by_name.count("truncate"), 1u);
  EXPECT_EQ(src.syscalls.by_name.at("truncate").count, 1u);
  EXPECT_EQ(src.syscalls.by_name.at("truncate").errors, 0u);
  // Throughput is of the bytes that moved, not of the whole file.
  ASSERT_TRUE(r.throughput_bytes_per_s.value && r.transfer_wall_ns.value);
  EXPECT_DOUBLE_EQ(*r.throughput_bytes_per_s.value,
                   static_cast<double>(sent) * 1e9 /
                       static_cast<double>(*r.transfer_wall_ns.value));
  // Every byte sent was copied once from the mapping into the socket.
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "user->kernel"), sent);
}

// Without a lease the writes that read the cut pages do not get SIGBUS:
// the fault happens in kernel mode (copy_from_user inside write()), where
// the kernel fixes it up instead of signalling. write() returns what it
// copied before the cut, and the next write fails with EFAULT.
TEST(Truncate, WithoutALeaseWritePastTheCutFailsWithEfaultAndNoSignal) {
  const RunResult r = run_truncate(false);
  expect_common(r);
  const Account &src = r.source;
  const std::uint64_t sent = reported(src, "sent_bytes");
  const std::uint64_t first = reported(src, "truncate.sent_first");
  const std::uint64_t cut = reported(src, "truncate.length");
  EXPECT_EQ(cut, first + kChunk + kChunk / 2);
  // The chunk before the cut went whole; the one across it stopped at it
  // or before (tcp_sendmsg copies a segment's piece whole or not at all).
  EXPECT_GE(sent, first + kChunk);
  EXPECT_LE(sent, cut);
  EXPECT_EQ(reported(src, "write.failed_errno"), static_cast<std::uint64_t>(EFAULT));
  EXPECT_LE(reported(src, "write.short_returns"), 1u);
  // The probes saw the failed write as an error of write().
  EXPECT_EQ(src.syscalls.by_name.at("write").errors, 1u);
  // Each write a fault stopped took faults that failed: exceptions the
  // tracepoints count, which rusage leaves out (mm_account_fault() skips
  // VM_FAULT_ERROR). One per write where the copy routine gives up at the
  // fault (6.12, 6.18), two where it retries the rest byte by byte first
  // (x86 __copy_user_nocache before its rewrite in 6.4: Debian's 6.1).
  const std::uint64_t traced = *src.page_faults.user.value + *src.page_faults.kernel.value;
  const std::uint64_t rusage = *src.page_faults.minor.value + *src.page_faults.major.value;
  const std::uint64_t faulted = reported(src, "write.faulted");
  EXPECT_EQ(faulted, reported(src, "write.short_returns") + 1);
  EXPECT_TRUE(traced - rusage == faulted || traced - rusage == 2 * faulted)
      << traced << " traced, " << rusage << " in rusage, " << faulted << " writes faulted";
  EXPECT_EQ(generated(src, "SIGRTMIN+1"), 0u);
  // The claim (SIGBUS kills the writer) does not hold, and says why.
  bool checked = false;
  for (const analysis::Claim *c : analysis::claims_for(r))
    for (const analysis::Verdict &v : analysis::check_claim(*c, r)) {
      ASSERT_TRUE(v.holds.has_value()) << v.text;
      EXPECT_FALSE(*v.holds) << v.text;
      EXPECT_NE(v.text.find("EFAULT"), std::string::npos) << v.text;
      checked = true;
    }
  EXPECT_TRUE(checked);
}

// With a read lease the truncater's truncate() breaks it: the kernel sends
// the lease holder F_SETSIG's signal and holds the truncater until the lease
// is given up. Nothing is cut under the writer, so no write fails.
TEST(Truncate, UnderALeaseTheTruncaterWaitsForTheWriterAndNoWriteFails) {
  const RunResult r = run_truncate(true);
  expect_common(r);
  EXPECT_TRUE(r.params.lease);
  const Account &src = r.source;
  // One lease-break signal, sent by another process (the truncater, in
  // break_lease()), queued: the kernel's count and the handler's agree.
  ASSERT_EQ(generated(src, "SIGRTMIN+1"), 1u);
  const SignalRow &lease = src.signals.by_signal.at("SIGRTMIN+1");
  EXPECT_EQ(lease.queued, 1u);
  EXPECT_EQ(lease.from_itself, 0u);
  EXPECT_EQ(reported(src, "lease.signals"), 1u);
  EXPECT_EQ(reported(src, "write.failed_errno"), 0u);
  EXPECT_EQ(reported(src, "write.faulted"), 0u);
  EXPECT_EQ(src.syscalls.by_name.at("write").errors, 0u);
  // It stopped sending when it saw the signal.
  EXPECT_EQ(reported(src, "lease.sent_at_signal"), reported(src, "sent_bytes"));
  EXPECT_GE(reported(src, "sent_bytes"), reported(src, "truncate.sent_first"));
  // How long the truncater was held, two ways. Its own clock brackets the
  // syscall (read before the call, after the return), so the probes' enter
  // to exit time is no longer. The truncate() entered before the signal
  // was sent and returned after the lease was given up, which was after the
  // source read its clock to call F_UNLCK: so it is longer than the time
  // from the signal's handler to that reading.
  const std::uint64_t in_kernel = src.syscalls.by_name.at("truncate").time_ns;
  EXPECT_LE(in_kernel, reported(src, "truncate.held_ns"));
  EXPECT_GT(in_kernel, reported(src, "lease.released_ns"));
  EXPECT_LE(reported(src, "lease.signal_ns"), reported(src, "truncate.held_ns"));
}

// verify checks both claims on this host: the lease-break signal holds,
// SIGBUS does not, and exit 6 says a figure differs.
TEST(Truncate, VerifySaysTheLeaseSignalHoldsAndSigbusDiffers) {
  const std::string path = std::filesystem::temp_directory_path() /
                           ("zctrace-verify-truncate-" + std::to_string(getpid()) + ".json");
  const ToolResult c = run_tool(zctrace({"verify", "--claim", "mmap_truncate", "--claim",
                                         "mmap_truncate_lease", "--size", "16M", "--json", path}));
  EXPECT_EQ(c.exit_code, 6) << c.out << c.err;
  expect_fits_100_columns(c.out, "verify mmap_truncate");
  auto verdicts = verdicts_of(read_document(path));
  EXPECT_EQ(verdicts["mmap_truncate SIGBUS to the source"], "differs");
  EXPECT_EQ(verdicts["mmap_truncate_lease SIGRTMIN+1 to the source"], "holds");
  EXPECT_EQ(verdicts["mmap_truncate_lease SIGBUS to the source"], "differs");
  EXPECT_EQ(verdicts.size(), 3u);
  std::remove(path.c_str());
}

TEST(Truncate, LeaseAppliesToMmapTruncateOnly) {
  expect_one_line_error(run_tool(zctrace({"run", "read_write", "--lease", "on"})), 2,
                        "--lease applies to mmap_truncate only");
  expect_one_line_error(run_tool(zctrace({"run", "mmap_truncate", "--lease", "maybe"})), 2,
                        "--lease");
  expect_one_line_error(run_tool(zctrace({"run", "mmap_truncate", "--size", "128K"})), 2,
                        "at least 4 chunks");
}

} // namespace
} // namespace zc::test
