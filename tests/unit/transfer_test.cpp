// The workload harness on its own (no probes, no root): both processes run,
// the sink's check catches a single corrupted byte, and a failing side never
// leaves its peer waiting.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "error.h"
#include "io.h"
#include "transfer.h"
#include "workload.h"

namespace zc::workloads {
namespace {

constexpr std::uint64_t kSize = 4ull << 20;

TransferOutcome run_to_end(const Workload &w, std::uint64_t chunk = 64 << 10) {
  TransferSpec spec;
  spec.workload = &w;
  spec.size = kSize;
  spec.chunk = chunk;
  spec.dir = "/var/tmp";
  Transfer t(spec);
  t.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!t.poll()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the transfer hung";
      t.kill_all();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return t.outcome();
}

// Every file in workloads/methods/ registered its method, under its own
// file name, once; the articles' table comes first.
TEST(Registry, EveryMethodFileRegistersItsMethodOnce) {
  std::set<std::string> files;
  for (const auto &e :
       std::filesystem::directory_iterator(std::string(ZCTRACE_SOURCE_DIR) + "/workloads/methods"))
    if (e.path().extension() == ".cpp")
      files.insert(e.path().stem().string());
  std::set<std::string> registered;
  for (const Workload *w : all_workloads())
    EXPECT_TRUE(registered.insert(std::string(w->name())).second) << w->name() << " twice";
  EXPECT_EQ(registered, files);
  const std::vector<std::string> first = {"read_write", "mmap_write", "sendfile", "splice"};
  ASSERT_GE(workload_names().size(), first.size());
  EXPECT_TRUE(std::equal(first.begin(), first.end(), workload_names().begin()));
}

// Methods that need a kernel setting changed (root) or a kernel feature
// this machine lacks are left to the integration tests.
TEST(Transfer, EveryMethodDeliversTheFileIntact) {
  for (const Workload *w : all_workloads()) {
    if (!w->kernel_settings().empty() || !w->unavailable_reason().empty())
      continue;
    for (std::uint64_t chunk : {std::uint64_t{4096}, std::uint64_t{100000}}) {
      if (!w->invalid_parameters(kSize, chunk).empty())
        continue;
      const TransferOutcome o = run_to_end(*w, chunk);
      EXPECT_TRUE(o.integrity_ok) << w->name() << " chunk " << chunk << ": " << o.integrity_error;
      // A method that sends part of the file must send some of it, and
      // less than all (mmap_truncate cuts the file at 1.5 chunks past half).
      if (w->sends_part())
        EXPECT_TRUE(o.received_bytes > 0 && o.received_bytes < kSize)
            << w->name() << " chunk " << chunk << ": " << o.received_bytes;
      else
        EXPECT_EQ(o.received_bytes, kSize) << w->name();
      EXPECT_EQ(o.received_bytes, o.expected_bytes) << w->name();
      EXPECT_EQ(o.received_crc32c, o.expected_crc32c) << w->name();
      EXPECT_TRUE(o.source.ok && o.sink.ok) << w->name();
      ASSERT_TRUE(o.source.usage.has_value());
      EXPECT_GT(o.sink.end_ns.value_or(0), o.sink.start_ns.value_or(0));
    }
  }
}

// Sends the file with its middle byte flipped.
class CorruptingSource : public Workload {
public:
  std::string_view name() const override { return "corrupting"; }
  std::string_view summary() const override { return "flips one byte"; }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override {
    Fd file = open_file(ctx.path, O_RDONLY);
    Fd sock = ctx.connect();
    std::vector<char> data(ctx.size);
    if (pread(file.get(), data.data(), data.size(), 0) != static_cast<ssize_t>(data.size()))
      throw_errno("pread");
    data[data.size() / 2] ^= 0x01;
    write_all(sock.get(), data.data(), data.size(), "write");
  }
};

// Sends the first half of the file and reports `claimed` bytes as sent,
// optionally with one byte of it flipped.
class PartialSource : public Workload {
public:
  PartialSource(std::uint64_t claimed, bool flip) : claimed_(claimed), flip_(flip) {}
  std::string_view name() const override { return "partial"; }
  std::string_view summary() const override { return "sends half the file"; }
  std::vector<std::string_view> claims() const override { return {}; }
  bool sends_part() const override { return true; }
  void send(const SourceContext &ctx) const override {
    Fd file = open_file(ctx.path, O_RDONLY);
    Fd sock = ctx.connect();
    std::vector<char> data(ctx.size / 2);
    if (pread(file.get(), data.data(), data.size(), 0) != static_cast<ssize_t>(data.size()))
      throw_errno("pread");
    if (flip_)
      data[data.size() / 2] ^= 0x01;
    write_all(sock.get(), data.data(), data.size(), "write");
    ctx.reporter->report("sent_bytes", claimed_);
  }

private:
  std::uint64_t claimed_;
  bool flip_;
};

// The sink of a part must hold exactly the bytes the source says it sent,
// and they must be the file's first ones.
TEST(Transfer, APartIsCheckedAgainstWhatTheSourceSaysItSent) {
  const TransferOutcome whole = run_to_end(PartialSource(kSize / 2, false));
  EXPECT_TRUE(whole.integrity_ok) << whole.integrity_error;
  EXPECT_EQ(whole.expected_bytes, kSize / 2);

  const TransferOutcome overstated = run_to_end(PartialSource(kSize / 2 + 1, false));
  EXPECT_FALSE(overstated.integrity_ok);
  EXPECT_NE(overstated.integrity_error.find("bytes of 2097153 the source sent"), std::string::npos)
      << overstated.integrity_error;

  const TransferOutcome flipped = run_to_end(PartialSource(kSize / 2, true));
  EXPECT_FALSE(flipped.integrity_ok);
  EXPECT_NE(flipped.integrity_error.find("file's first 2097152 (CRC32C mismatch)"),
            std::string::npos)
      << flipped.integrity_error;
}

TEST(Transfer, TheSinkCatchesASingleFlippedBit) {
  const TransferOutcome o = run_to_end(CorruptingSource());
  EXPECT_FALSE(o.integrity_ok);
  EXPECT_EQ(o.received_bytes, kSize);
  EXPECT_NE(o.received_crc32c, o.expected_crc32c);
  EXPECT_NE(o.integrity_error.find("CRC32C mismatch"), std::string::npos) << o.integrity_error;
}

// Sends half the file and stops.
class ShortSource : public Workload {
public:
  std::string_view name() const override { return "short"; }
  std::string_view summary() const override { return "sends half"; }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override {
    Fd sock = ctx.connect();
    std::vector<char> half(ctx.size / 2, 'x');
    write_all(sock.get(), half.data(), half.size(), "write");
  }
};

TEST(Transfer, TheSinkCatchesMissingBytes) {
  const TransferOutcome o = run_to_end(ShortSource());
  EXPECT_FALSE(o.integrity_ok);
  EXPECT_EQ(o.received_bytes, kSize / 2);
  EXPECT_NE(o.integrity_error.find("received 2097152 bytes of 4194304"), std::string::npos)
      << o.integrity_error;
}

// Fails before connecting: the sink would wait in accept() forever.
class FailingSource : public Workload {
public:
  std::string_view name() const override { return "failing"; }
  std::string_view summary() const override { return "throws"; }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &) const override { throw Error("no route to the sink"); }
};

TEST(Transfer, AFailingSourceDoesNotLeaveTheSinkWaiting) {
  const auto start = std::chrono::steady_clock::now();
  const TransferOutcome o = run_to_end(FailingSource());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(o.integrity_ok);
  EXPECT_EQ(o.integrity_error, "the source failed: no route to the sink");
  EXPECT_EQ(o.sink.error, "stopped after the source failed");
}

// Dies of a signal half way; or starts a helper that does.
class CrashingSource : public Workload {
public:
  explicit CrashingSource(bool in_helper) : in_helper_(in_helper) {}
  std::string_view name() const override { return "crashing"; }
  std::string_view summary() const override { return "dies of SIGSEGV"; }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override {
    Fd sock = ctx.connect();
    if (!in_helper_)
      raise(SIGSEGV);
    const pid_t child = fork();
    if (child == 0) {
      signal(SIGSEGV, SIG_DFL);
      raise(SIGSEGV);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ctx.reporter->died("source's helper", child, WTERMSIG(status), WCOREDUMP(status));
    throw Error("the helper died");
  }

private:
  bool in_helper_;
};

// A process of the transfer that a signal ends is named, with its role and
// the signal, whether it is a side or a helper one of them started.
TEST(Transfer, AProcessThatDiesOfASignalIsReportedWithItsRole) {
  {
    // No core file for this one.
    const rlimit none{0, 0};
    rlimit old{};
    getrlimit(RLIMIT_CORE, &old);
    setrlimit(RLIMIT_CORE, &none);
    const TransferOutcome side = run_to_end(CrashingSource(false));
    const TransferOutcome helper = run_to_end(CrashingSource(true));
    setrlimit(RLIMIT_CORE, &old);
    EXPECT_FALSE(side.integrity_ok);
    ASSERT_EQ(side.source.deaths.size(), 1u);
    EXPECT_EQ(side.source.deaths[0].role, "source");
    EXPECT_EQ(side.source.deaths[0].signal, SIGSEGV);
    EXPECT_EQ(side.source.deaths[0].pid, side.source.pid);
    EXPECT_NE(side.integrity_error.find("killed by SIGSEGV"), std::string::npos)
        << side.integrity_error;
    // The sink zctrace stopped is no death.
    EXPECT_TRUE(side.sink.deaths.empty());
    ASSERT_EQ(helper.source.deaths.size(), 1u);
    EXPECT_EQ(helper.source.deaths[0].role, "source's helper");
    EXPECT_EQ(helper.source.deaths[0].signal, SIGSEGV);
  }
}

TEST(Transfer, ASinkThatCannotListenFailsBeforeTheStart) {
  TransferSpec spec;
  spec.workload = find_workload("sendfile");
  spec.size = kSize;
  spec.chunk = 65536;
  spec.dir = "/var/tmp";
  spec.address = "192.0.2.1"; // TEST-NET-1: not an address of this machine
  try {
    Transfer t(spec);
    FAIL() << "the sink listened on an address this machine does not have";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("the sink process could not get ready: bind 192.0.2.1"),
              std::string::npos)
        << e.what();
  }
}

} // namespace
} // namespace zc::workloads
