// Nothing is counted that is not the workload's, and nothing is lost silently.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "harness.h"
#include "io.h"

namespace zc::test {
namespace {

// A busy neighbour doing what the workloads do (page-cache reads, TCP
// writes, loopback receives) on its own file and socket, until killed.
class Neighbour {
public:
  Neighbour() : path_("/var/tmp/zctrace-neighbour-" + std::to_string(getpid())) {
    {
      workloads::Fd f(open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600));
      std::vector<char> block(1 << 20, 'n');
      workloads::write_all(f.get(), block.data(), block.size(), "neighbour file");
    }
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      busy(path_);
    }
  }
  ~Neighbour() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    unlink(path_.c_str());
  }

private:
  [[noreturn]] static void busy(const std::string &path) {
    std::uint16_t port = 0;
    workloads::Fd listener = workloads::listen_loopback(port);
    if (fork() == 0) { // its receiver
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      workloads::Fd conn(accept(listener.get(), nullptr, nullptr));
      std::vector<char> buf(1 << 16);
      while (read(conn.get(), buf.data(), buf.size()) > 0) {
      }
      _exit(0);
    }
    workloads::Fd sock = workloads::connect_loopback(port);
    workloads::Fd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::vector<char> buf(1 << 16);
    for (off_t off = 0;; off = (off + static_cast<off_t>(buf.size())) % (1 << 20)) {
      const ssize_t n = pread(file.get(), buf.data(), buf.size(), off);
      if (n <= 0)
        _exit(1);
      workloads::write_all(sock.get(), buf.data(), static_cast<std::size_t>(n), "neighbour");
    }
  }

  std::string path_;
  pid_t pid_ = -1;
};

TEST(Isolation, ABusyNeighbourDoesNotChangeTheAccount) {
  const RunResult quiet = run("read_write");
  ASSERT_TRUE(quiet.integrity.ok);
  RunResult busy;
  {
    Neighbour neighbour;
    usleep(100000); // let it get going
    busy = run("read_write");
  }
  ASSERT_TRUE(busy.integrity.ok) << busy.integrity.error;
  // The source's data path is deterministic: identical counts. The sink's
  // reads return whatever has arrived, so only its bytes are compared.
  for (const auto &[quiet_a, busy_a] :
       {std::pair{&quiet.source, &busy.source}, std::pair{&quiet.sink, &busy.sink}}) {
    EXPECT_EQ(*busy_a->cpu_copy.bytes.value, *quiet_a->cpu_copy.bytes.value) << busy_a->role;
    EXPECT_EQ(*busy_a->by_reference.bytes.value, *quiet_a->by_reference.bytes.value);
    EXPECT_EQ(*busy_a->device.storage_bytes.value, 0u) << busy_a->role;
    EXPECT_EQ(busy_a->syscalls.by_name.at("read").bytes,
              quiet_a->syscalls.by_name.at("read").bytes);
  }
  EXPECT_EQ(*busy.source.cpu_copy.bytes.value, 2 * kSize);
  EXPECT_EQ(*busy.sink.cpu_copy.bytes.value, kSize);
  EXPECT_EQ(calls(busy.source, "read"), kChunks);
  EXPECT_EQ(calls(busy.source, "write"), kChunks);
  EXPECT_EQ(*busy.source.syscalls.total.value, *quiet.source.syscalls.total.value);
}

TEST(LostEvents, ASlowConsumerLosesEventsAndTheLossIsCounted) {
  RunRequest req = request("read_write", 16ull << 20);
  req.chunk = 4096;
  req.probes.ringbuf_bytes = 4096; // room for under a hundred events
  std::uint64_t handled = 0;
  // A consumer that takes 200 us per event falls behind a producer making
  // tens of thousands per second: the ring buffer fills and BPF drops.
  const RunResult r = run_traced(req, features(), [&](const zc_event &) {
    ++handled;
    usleep(200);
  });
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  EXPECT_GT(r.events.lost, 0u);
  EXPECT_FALSE(r.events.lost_by_kind.empty());
  // Every event BPF managed to submit reached the collector.
  EXPECT_EQ(r.events.received, r.events.submitted);
  EXPECT_EQ(handled, r.events.received);
  // Aggregation happens in the kernel, not from the stream: still exact.
  EXPECT_EQ(*r.source.cpu_copy.bytes.value, 2 * req.size);
  EXPECT_EQ(calls(r.source, "read"), req.size / req.chunk);
  EXPECT_EQ(calls(r.source, "write"), req.size / req.chunk);
}

// Nothing consumes the stream (no --trace): the probes reserve and submit
// nothing (the count is BPF's own, ZC_STREAM_SUBMITTED).
TEST(LostEvents, WithoutAConsumerNothingIsSubmittedOrLost) {
  RunRequest req = request("sendfile");
  const RunResult r = run(req);
  EXPECT_FALSE(r.events.enabled);
  ASSERT_TRUE(r.integrity.ok);
  EXPECT_EQ(r.events.submitted, 0u);
  EXPECT_EQ(r.events.lost, 0u);
  EXPECT_EQ(r.events.received, 0u);
  EXPECT_EQ(*r.source.by_reference.bytes.value, kSize);
}

TEST(Streaming, EveryCountedSyscallWasStreamed) {
  std::uint64_t syscall_events = 0, payload_bytes = 0;
  const RunResult r = run_traced(request("mmap_write"), features(), [&](const zc_event &e) {
    if (e.role != ZC_ROLE_SOURCE)
      return;
    if (e.kind == ZC_EV_SYSCALL)
      ++syscall_events;
    if (e.kind == ZC_EV_PAYLOAD && e.dir != ZC_DIR_REFERENCE)
      payload_bytes += static_cast<std::uint64_t>(e.value);
  });
  ASSERT_TRUE(r.integrity.ok);
  ASSERT_EQ(r.events.lost, 0u);
  EXPECT_EQ(syscall_events, *r.source.syscalls.total.value);
  EXPECT_EQ(payload_bytes, *r.source.cpu_copy.bytes.value);
}

} // namespace
} // namespace zc::test
