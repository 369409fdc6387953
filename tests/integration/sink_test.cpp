// How the sink consumes the stream (--sink), accounted like the send side:
// a broker's receiving side writes the network into a file, with read() +
// write() (two copies) or splice() socket -> pipe -> file (one copy, and the
// socket's buffers handed to the pipe). What the sink wrote is read back
// and checked once it is done; the file's length is the route that checks
// the file-write site's bytes.
#include <gtest/gtest.h>

#include "bpf_abi.h"
#include "harness.h"
#include "probe_report.h"

namespace zc::test {
namespace {

constexpr std::uint64_t kSinkSize = 16ull << 20;

RunResult run_sink(workloads::SinkMode mode) {
  RunRequest req = request("read_write", kSinkSize);
  req.sink = mode;
  return run(req);
}

std::uint64_t undetermined_at(const Account &a, const std::string &site) {
  std::uint64_t total = 0;
  for (const SiteRow &r : a.cpu_copy.by_site)
    if (r.site == site && r.dir == ZC_DIR_UNKNOWN)
      total += r.bytes;
  return total;
}

TEST(Sink, ReadWriteFileCopiesTheStreamTwice) {
  const RunResult r = run_sink(workloads::SinkMode::ReadWriteFile);
  expect_intact(r);
  EXPECT_EQ(r.params.sink, "read_write_file");
  const Account &sink = r.sink;
  // socket -> user buffer, then user buffer -> page cache: the file holds
  // every byte (its length and CRC32C were read back after the run).
  EXPECT_EQ(site_bytes(sink, "skb_copy_datagram_iter", "kernel->user"), kSinkSize);
  EXPECT_EQ(site_bytes(sink, "file_write", "user->kernel"), kSinkSize);
  ASSERT_TRUE(sink.cpu_copy.bytes.value);
  EXPECT_EQ(*sink.cpu_copy.bytes.value, 2 * kSinkSize);
  EXPECT_EQ(sink.cpu_copy.undetermined_bytes, 0u);
  // Every byte it read it wrote: the syscalls' returns agree.
  EXPECT_EQ(sink.syscalls.by_name.at("read").bytes, kSinkSize);
  EXPECT_EQ(sink.syscalls.by_name.at("write").bytes, kSinkSize);
  // The send side is as it always is.
  EXPECT_EQ(site_bytes(r.source, "filemap_read", "kernel->user"), kSinkSize);
}

TEST(Sink, SpliceFileCopiesOnceIntoThePageCache) {
  const RunResult r = run_sink(workloads::SinkMode::SpliceFile);
  expect_intact(r);
  EXPECT_EQ(r.params.sink, "splice_file");
  const Account &sink = r.sink;
  // Nothing reaches user memory; the pipe -> file splice copies into the
  // page cache (iter_file_splice_write -> generic_perform_write).
  EXPECT_EQ(site_bytes(sink, "skb_copy_datagram_iter", "kernel->user"), 0u);
  EXPECT_EQ(site_bytes(sink, "file_write", "kernel->kernel"), kSinkSize);
  // socket -> pipe: skb_splice_bits splits the bytes between page
  // references and linear copies. Where its fexit attaches the rows say
  // which; where only the syscall's return is seen (this host), every byte
  // is undetermined, and the CPU-copy total is null with that reason.
  const ProbeIndex probes(r.probes);
  const ProbeReport *splice = probes.attached("copies:skb_splice_bits");
  ASSERT_NE(splice, nullptr);
  if (splice->evidence == EvidenceKind::Derived) {
    EXPECT_EQ(undetermined_at(sink, "skb_splice_bits"), kSinkSize);
    EXPECT_EQ(sink.cpu_copy.undetermined_bytes, kSinkSize);
    EXPECT_FALSE(sink.cpu_copy.bytes.value);
    EXPECT_NE(sink.cpu_copy.bytes.evidence.how.find("skb_splice_bits"), std::string::npos)
        << sink.cpu_copy.bytes.evidence.how;
  } else {
    EXPECT_EQ(site_bytes(sink, "skb_splice_bits", "by reference") +
                  site_bytes(sink, "skb_splice_bits", "kernel->kernel"),
              kSinkSize);
  }
  // Two splices per piece: the returns add up to the stream twice.
  EXPECT_EQ(sink.syscalls.by_name.at("splice").bytes, 2 * kSinkSize);
  EXPECT_EQ(sink.syscalls.by_name.count("read"), 0u);
}

TEST(Sink, AMethodWithItsOwnSinkRefusesSink) {
  expect_one_line_error(run_tool(zctrace({"run", "copy_file_range", "--sink", "splice_file"})), 2,
                        "--sink splice_file does not apply to copy_file_range");
  expect_one_line_error(run_tool(zctrace({"run", "read_write", "--sink", "mmap"})), 2, "--sink");
}

} // namespace
} // namespace zc::test
