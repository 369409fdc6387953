// mmap_truncate: mmap + write while another process truncates the file, the
// hazard the articles say kills the writer with SIGBUS, and their remedy, a
// read lease taken before the mapping (--lease on).
//
// The source maps the file, writes the first half of it to the socket and
// then lets a process it forked, the truncater, cut the file to 1.5 chunks
// past that point (a page boundary, so no page is half zeroed). Then it goes
// on writing chunk by chunk from the mapping:
// - --lease off: it waits until the truncate() has returned, so every write
//   after it reads pages the truncate took away: what the kernel does then
//   (a signal, a short write, an error) is what the run records. It stops at
//   the first error.
// - --lease on: the truncate() breaks the lease. The kernel sends the lease
//   holder the F_SETSIG signal and holds the truncater until the lease is
//   given up (or /proc/sys/fs/lease-break-time passes). The source stops
//   writing when its handler has seen the signal, gives the lease up, and so
//   lets the truncate() go on.
// Either way the sink must receive exactly the bytes the source's writes
// returned ("sent_bytes"), and they must be the file's first bytes.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "error.h"
#include "io.h"
#include "signals.h"
#include "workload.h"

namespace zc::workloads {

namespace {

constexpr std::uint64_t kPage = 4096;

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Where the source stops letting the truncater wait, and where the file is
// cut: half the file, rounded down to a chunk; 1.5 chunks later, rounded
// down to a page.
std::uint64_t first_part(std::uint64_t size, std::uint64_t chunk) {
  return size / 2 / chunk * chunk;
}
std::uint64_t cut_length(std::uint64_t size, std::uint64_t chunk) {
  return (first_part(size, chunk) + chunk + chunk / 2) / kPage * kPage;
}

// The lease-break signal: a real-time one, so that it queues with its
// siginfo (si_fd), as F_SETSIG's documentation advises.
int lease_signal() { return SIGRTMIN + 1; }

std::atomic<std::int64_t> g_lease_signal_ns{0};
std::atomic<int> g_lease_signals{0};

void on_lease_break(int, siginfo_t *, void *) {
  if (g_lease_signals.fetch_add(1) == 0)
    g_lease_signal_ns.store(monotonic_ns());
}

// What the truncater did, in memory it shares with the source.
struct TruncaterReport {
  std::int64_t called_ns;
  std::int64_t returned_ns;
  int calls;
  int error; // errno of truncate(), 0 when it succeeded
};

class MmapTruncate final : public Workload {
public:
  std::string_view name() const override { return "mmap_truncate"; }
  std::string_view summary() const override {
    return "mmap() the file and write() it to the socket while a second process truncates it; "
           "with --lease on, under a read lease";
  }
  std::vector<std::string_view> claims() const override {
    return {"mmap_truncate", "mmap_truncate_lease"};
  }
  std::string invalid_parameters(std::uint64_t size, std::uint64_t chunk) const override;
  bool forks() const override { return true; }
  bool takes_lease() const override { return true; }
  bool sends_part() const override { return true; }
  void send(const SourceContext &ctx) const override;
};

std::string MmapTruncate::invalid_parameters(std::uint64_t size, std::uint64_t chunk) const {
  if (std::string bad = Workload::invalid_parameters(size, chunk); !bad.empty())
    return bad;
  if (chunk < 2 * kPage)
    return "mmap_truncate needs --chunk of at least 8K: the file is cut half a chunk into a "
           "write, at a page boundary";
  if (cut_length(size, chunk) + chunk > size)
    return "mmap_truncate needs --size of at least 4 chunks: the source writes half the file, "
           "then the file is cut 1.5 chunks further on";
  return {};
}

// Forks the truncater: it waits for a byte on `go`, then truncate()s `path`
// to `length` and exits. Returns its pid.
pid_t fork_truncater(const std::string &path, std::uint64_t length, int go_r, int go_w,
                     TruncaterReport *report) {
  const pid_t pid = fork();
  if (pid < 0)
    throw_errno("fork the truncating process");
  if (pid > 0)
    return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NAME, "zc-truncater");
  close(go_w);
  char go = 0;
  if (read(go_r, &go, 1) != 1)
    _exit(1);
  report->called_ns = monotonic_ns();
  report->calls = 1;
  const int r = truncate(path.c_str(), static_cast<off_t>(length));
  report->returned_ns = monotonic_ns();
  report->error = r == 0 ? 0 : errno;
  _exit(r == 0 ? 0 : 1);
}

// The writes from the mapping, with what each returned.
struct Writer {
  int sock;
  const char *map;
  const SourceContext &ctx;
  std::uint64_t sent = 0;
  std::uint64_t short_returns = 0;
  std::uint64_t short_bytes = 0; // what the last short write returned
  std::uint64_t eintr = 0;
  std::uint64_t faulted = 0; // writes a fault on the cut mapping stopped
  int failed_errno = 0;
  bool cut = false; // the file has been cut (no lease held it back)

  // One write of the chunk at `sent`; false once a write failed (other
  // than EINTR with nothing written).
  bool write_chunk() {
    const std::uint64_t ask = std::min(ctx.chunk, ctx.size - sent);
    note_call("write");
    const ssize_t n = write(sock, map + sent, static_cast<std::size_t>(ask));
    if (n < 0) {
      if (errno == EINTR) {
        ++eintr;
        return true;
      }
      failed_errno = errno;
      faulted += errno == EFAULT;
      return false;
    }
    sent += static_cast<std::uint64_t>(n);
    // Reported after every write: a process a signal kills has said what
    // it sent up to then.
    ctx.reporter->report("sent_bytes", sent);
    if (static_cast<std::uint64_t>(n) < ask) {
      ++short_returns;
      short_bytes = static_cast<std::uint64_t>(n);
      // Without a signal to interrupt it, a write stops short only at a
      // page the cut took away.
      faulted += cut;
    }
    return true;
  }
};

void set_lease(int fd, int type) {
  note_call("fcntl");
  if (fcntl(fd, F_SETLEASE, type) != 0)
    throw_errno(type == F_UNLCK ? "give the read lease up (F_SETLEASE F_UNLCK)"
                                : "take a read lease on the data file (F_SETLEASE F_RDLCK)");
}

void MmapTruncate::send(const SourceContext &ctx) const {
  const bool lease = ctx.options.lease;
  const Fd file = open_file(ctx.path, O_RDONLY);
  if (lease) {
    struct sigaction sa {};
    sa.sa_sigaction = on_lease_break;
    sa.sa_flags = SA_SIGINFO; // no SA_RESTART: an interrupted write says so
    sigemptyset(&sa.sa_mask);
    note_call("rt_sigaction");
    if (sigaction(lease_signal(), &sa, nullptr) != 0)
      throw_errno("install the lease-break signal handler");
    note_call("fcntl");
    if (fcntl(file.get(), F_SETSIG, lease_signal()) != 0)
      throw_errno("choose the lease-break signal (F_SETSIG)");
    // Before the mapping, as the remedy says.
    set_lease(file.get(), F_RDLCK);
  }
  const Mapping mapping(file.get(), ctx.size, PROT_READ, MAP_SHARED, ctx.path);
  const std::uint64_t first = first_part(ctx.size, ctx.chunk);
  const std::uint64_t cut = cut_length(ctx.size, ctx.chunk);
  ctx.reporter->report("truncate.length", cut);

  note_call("mmap");
  auto *truncater = static_cast<TruncaterReport *>(mmap(
      nullptr, sizeof(TruncaterReport), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  if (truncater == MAP_FAILED)
    throw_errno("mmap the truncating process's report");
  *truncater = {};
  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  Fd go_r(go[0]), go_w(go[1]);
  const pid_t child = fork_truncater(ctx.path, cut, go_r.get(), go_w.get(), truncater);
  go_r.reset();
  // Reaped on every way out: it never outlives the source.
  struct Reaper {
    pid_t pid;
    int status = 0;
    bool reaped = false;
    void wait() {
      while (!reaped) {
        if (waitpid(pid, &status, 0) == pid)
          reaped = true;
        else if (errno != EINTR)
          return;
      }
    }
    ~Reaper() {
      if (!reaped) {
        kill(pid, SIGKILL);
        wait();
      }
    }
  } reaper{child};

  Fd sock = ctx.connect();
  Writer w{sock.get(), mapping.data(), ctx};
  while (w.sent < first)
    if (!w.write_chunk())
      throw Error("write to socket: " + errno_text(w.failed_errno));
  ctx.reporter->report("truncate.sent_first", w.sent);

  sigset_t lease_only, before;
  sigemptyset(&lease_only);
  sigaddset(&lease_only, lease_signal());
  note_call("write");
  if (write(go_w.get(), "g", 1) != 1)
    throw_errno("let the truncating process go");
  if (!lease) {
    // Every write from here reads the mapping after the cut.
    reaper.wait();
    w.cut = true;
    while (w.sent < ctx.size && w.write_chunk()) {
    }
  } else {
    while (w.sent < ctx.size && g_lease_signals.load() == 0 && w.write_chunk()) {
    }
    ctx.reporter->report("lease.sent_at_signal", w.sent);
    // Sent it all before the break came: wait for it, without a window
    // between the check and the wait.
    sigprocmask(SIG_BLOCK, &lease_only, &before);
    sigset_t wait_mask = before;
    sigdelset(&wait_mask, lease_signal());
    while (g_lease_signals.load() == 0 && w.failed_errno == 0)
      sigsuspend(&wait_mask);
    sigprocmask(SIG_SETMASK, &before, nullptr);
    // Read before the call: the lease cannot go before it, while the
    // truncater may finish before a reading after it.
    const std::int64_t released = monotonic_ns();
    set_lease(file.get(), F_UNLCK);
    reaper.wait();
    ctx.reporter->report("lease.signals", static_cast<std::uint64_t>(g_lease_signals.load()));
    const std::int64_t signalled = g_lease_signal_ns.load();
    if (signalled >= truncater->called_ns && truncater->called_ns > 0)
      ctx.reporter->report("lease.signal_ns",
                           static_cast<std::uint64_t>(signalled - truncater->called_ns));
    if (released >= signalled && signalled > 0)
      ctx.reporter->report("lease.released_ns", static_cast<std::uint64_t>(released - signalled));
  }
  for (int i = 0; i < truncater->calls; ++i)
    note_call("truncate");
  if (reaper.reaped && WIFSIGNALED(reaper.status)) {
    ctx.reporter->died("source's child", child, WTERMSIG(reaper.status), WCOREDUMP(reaper.status));
    throw Error("the truncating process (pid " + std::to_string(child) + ") was killed by " +
                signal_name(WTERMSIG(reaper.status)));
  }
  if (truncater->error != 0)
    throw Error("the truncating process's truncate() failed: " + errno_text(truncater->error));
  if (truncater->returned_ns >= truncater->called_ns && truncater->called_ns > 0)
    ctx.reporter->report("truncate.held_ns",
                         static_cast<std::uint64_t>(truncater->returned_ns - truncater->called_ns));
  ctx.reporter->report("sent_bytes", w.sent);
  ctx.reporter->report("write.short_returns", w.short_returns);
  ctx.reporter->report("write.short_return_bytes", w.short_bytes);
  ctx.reporter->report("write.eintr", w.eintr);
  ctx.reporter->report("write.faulted", w.faulted);
  ctx.reporter->report("write.failed_errno", static_cast<std::uint64_t>(w.failed_errno));
  munmap(truncater, sizeof(TruncaterReport));
}

const Registered<MmapTruncate> registered(140);

} // namespace

} // namespace zc::workloads
