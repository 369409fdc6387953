#include "transfer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "error.h"
#include "io.h"
#include "signals.h"

namespace zc::workloads {

namespace {

// Written by a workload process into memory it shares with zctrace: no
// syscall is needed to report, so none pollutes the account.
struct ChildReport {
  int finished; // the workload function returned or threw
  int ok;
  std::uint16_t port; // the sink's listening port, set before it parks
  std::uint32_t nfigures;
  struct {
    char name[48];
    std::uint64_t value;
  } figures[16];
  std::uint32_t ncalls;
  struct {
    char name[24];
    std::uint64_t count;
  } calls[16];
  std::uint32_t ndeaths;
  struct {
    char role[32];
    int pid;
    int signal;
    int core_dumped;
  } deaths[4];
  std::int64_t start_ns;
  std::int64_t end_ns;
  // Its own CPU time as the gate opened (getrusage, microseconds): the
  // baseline of the run's CPU time. /proc/PID/stat, read by the parent
  // before, counts whole clock ticks: up to 10 ms of set-up would be
  // charged to a transfer that may take 20 ms.
  std::int64_t start_user_us;
  std::int64_t start_sys_us;
  std::uint64_t bytes;
  std::uint32_t crc32c;
  char error[512];
};

struct SharedReports {
  ChildReport source;
  ChildReport sink;
};

// Exit codes of a workload process that never ran its workload.
constexpr int kExitGateClosed = 111;
constexpr int kExitOrphaned = 112;
constexpr int kExitPrepareFailed = 113;

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void close_all_except(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned int from = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(from))
      continue;
    if (static_cast<unsigned int>(fd) > from)
      close_range(from, static_cast<unsigned int>(fd) - 1, 0);
    from = static_cast<unsigned int>(fd) + 1;
  }
  close_range(from, ~0u, 0);
}

// The report of the workload process this is (set in child_main): where
// note_call() counts.
ChildReport *g_own_report = nullptr;

// Figures land in the shared report: reporting costs no syscall.
class SharedReporter final : public Reporter {
public:
  explicit SharedReporter(ChildReport *report) : report_(report) {}
  void died(std::string_view role, int pid, int signal, bool core_dumped) override {
    if (report_->ndeaths == std::size(report_->deaths))
      return;
    auto &d = report_->deaths[report_->ndeaths++];
    std::snprintf(d.role, sizeof(d.role), "%.*s", static_cast<int>(role.size()), role.data());
    d.pid = pid;
    d.signal = signal;
    d.core_dumped = core_dumped;
  }
  void report(std::string_view name, std::uint64_t value) override {
    for (std::uint32_t i = 0; i < report_->nfigures; ++i)
      if (name == report_->figures[i].name) {
        report_->figures[i].value = value;
        return;
      }
    if (report_->nfigures == std::size(report_->figures))
      return;
    auto &f = report_->figures[report_->nfigures++];
    std::snprintf(f.name, sizeof(f.name), "%.*s", static_cast<int>(name.size()), name.data());
    f.value = value;
  }

private:
  ChildReport *report_;
};

void report_error(ChildReport *report, const std::exception &e) {
  const std::string msg = describe(e).message;
  std::snprintf(report->error, sizeof(report->error), "%s", msg.c_str());
}

// Everything after fork() in a workload process: `prepare` runs before the
// start gate (untraced), `body` after it. Never returns.
template <typename Prepare, typename Body>
[[noreturn]] void child_main(const char *name, pid_t parent, int gate, std::vector<int> keep,
                             ChildReport *report, Prepare &&prepare, Body &&body) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NAME, name); // "zc-source", "zc-sink": for ps, and for independent tracers
  if (getppid() != parent)
    _exit(kExitOrphaned);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_IGN); // a vanished peer is an EPIPE error line, not a silent death
  keep.push_back(gate);
  close_all_except(keep);
  // Touch the report now so its page is mapped before tracing starts.
  report->finished = 0;
  g_own_report = report;
  try {
    prepare();
  } catch (const std::exception &e) {
    report_error(report, e);
    _exit(kExitPrepareFailed);
  }
  char go = 0;
  if (read(gate, &go, 1) != 1)
    _exit(kExitGateClosed);
  report->start_ns = monotonic_ns();
  rusage self{};
  if (getrusage(RUSAGE_SELF, &self) == 0) {
    report->start_user_us = self.ru_utime.tv_sec * 1000000ll + self.ru_utime.tv_usec;
    report->start_sys_us = self.ru_stime.tv_sec * 1000000ll + self.ru_stime.tv_usec;
  }
  try {
    body();
    report->ok = 1;
  } catch (const std::exception &e) {
    report_error(report, e);
  }
  report->end_ns = monotonic_ns();
  report->finished = 1;
  _exit(report->ok ? 0 : 1);
}

std::string read_text(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Is the process parked in read() on the gate? (/proc/PID/syscall: "0 0x<fd> ...")
bool parked_on(pid_t pid, int gate) {
  std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/syscall"));
  std::string nr, fd;
  in >> nr >> fd;
  return nr == "0" && fd.size() > 2 && std::stoul(fd, nullptr, 16) == static_cast<unsigned>(gate);
}

} // namespace

void note_call(const char *syscall) {
  ChildReport *r = g_own_report;
  if (!r)
    return;
  for (std::uint32_t i = 0; i < r->ncalls; ++i)
    if (std::strcmp(r->calls[i].name, syscall) == 0) {
      ++r->calls[i].count;
      return;
    }
  if (r->ncalls == std::size(r->calls))
    return;
  auto &c = r->calls[r->ncalls++];
  std::snprintf(c.name, sizeof(c.name), "%s", syscall);
  c.count = 1;
}

struct Transfer::Impl {
  struct Child {
    explicit Child(const char *r) : role(r) {}
    const char *role;
    pid_t pid = -1;
    bool reaped = false;
    int status = 0;
    rusage ru{};
    ProcessUsage baseline;
    std::optional<ProcessIo> io;
    ChildReport *report = nullptr;
    std::string stopped_because; // set when zctrace killed it
  };

  TransferSpec spec;
  std::unique_ptr<DataFile> file;
  SharedReports *shared = nullptr;
  int gate_r = -1;
  int gate_w = -1;
  Child source{"source"};
  Child sink{"sink"};
  std::unique_ptr<UnnamedFile> dest; // for methods that write a file
  std::string dest_path;
  std::unique_ptr<UnnamedFile> sink_file; // where a --sink *_file sink writes
  std::uint64_t resident_before = 0;

  // Also runs when the constructor throws half way: nothing is left behind.
  ~Impl() {
    kill_child(source);
    kill_child(sink);
    if (gate_r >= 0)
      close(gate_r);
    if (gate_w >= 0)
      close(gate_w);
    if (shared)
      munmap(shared, sizeof(SharedReports));
  }

  // Once the child has exited, and before it is reaped: its /proc/PID/io
  // (gone once reaped), then its status and rusage.
  void reap(Child &c, bool block) {
    if (c.pid <= 0 || c.reaped)
      return;
    siginfo_t info{};
    while (waitid(P_PID, static_cast<id_t>(c.pid), &info,
                  WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) != 0) {
      if (errno != EINTR)
        return;
    }
    if (info.si_pid != c.pid)
      return;
    c.io = proc_io(c.pid);
    const pid_t r = wait4(c.pid, &c.status, 0, &c.ru);
    if (r == c.pid)
      c.reaped = true;
  }

  static bool failed(const Child &c) {
    return c.reaped && !(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
  }

  // A side that failed leaves its peer waiting forever (a sink in accept(),
  // a source in a full socket): stop the peer too.
  void stop_peer_of_failed(Child &a, Child &b) {
    if (failed(a) && b.pid > 0 && !b.reaped) {
      b.stopped_because = std::string("stopped after the ") + a.role + " failed";
      kill_child(b);
    }
  }

  void kill_child(Child &c) {
    if (c.pid > 0 && !c.reaped) {
      ::kill(c.pid, SIGKILL);
      reap(c, true);
    }
  }

  void wait_parked(Child &c) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!parked_on(c.pid, gate_r)) {
      reap(c, false);
      if (c.reaped)
        throw Error(
            std::string("the ") + c.role + " process could not get ready: " +
            (c.report->error[0] ? c.report->error : "exit status " + std::to_string(c.status)));
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(std::string("the ") + c.role + " process did not reach the start gate");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  ProcessResult result_of(const Child &c) const {
    ProcessResult r;
    r.pid = c.pid;
    const ChildReport &rep = *c.report;
    if (!c.reaped) {
      r.error = "still running";
      return r;
    }
    if (rep.finished) {
      r.start_ns = rep.start_ns;
      r.end_ns = rep.end_ns;
    }
    for (std::uint32_t i = 0; i < rep.nfigures && i < std::size(rep.figures); ++i)
      r.figures.emplace_back(rep.figures[i].name, rep.figures[i].value);
    for (std::uint32_t i = 0; i < rep.ncalls && i < std::size(rep.calls); ++i)
      r.figures.emplace_back(std::string("calls.") + rep.calls[i].name, rep.calls[i].count);
    for (std::uint32_t i = 0; i < rep.ndeaths && i < std::size(rep.deaths); ++i)
      r.deaths.push_back({rep.deaths[i].role, rep.deaths[i].pid, rep.deaths[i].signal,
                          rep.deaths[i].core_dumped != 0});
    if (WIFSIGNALED(c.status) && c.stopped_because.empty())
      r.deaths.push_back({c.role, c.pid, WTERMSIG(c.status), WCOREDUMP(c.status) != 0});
    r.usage = usage_since(usage_of(c.ru), c.baseline);
    // CPU time from the child's own reading at the gate (exact); the counts
    // (faults, switches) from the parent's, taken before the gate opened,
    // as the probes count them.
    if (rep.finished) {
      const ProcessUsage whole = usage_of(c.ru);
      auto since = [](std::uint64_t now, std::int64_t start_us) {
        const auto start = static_cast<std::uint64_t>(start_us) * 1000;
        return now > start ? now - start : 0;
      };
      r.usage->user_ns = since(whole.user_ns, rep.start_user_us);
      r.usage->sys_ns = since(whole.sys_ns, rep.start_sys_us);
    }
    r.io = c.io;
    if (!c.stopped_because.empty()) {
      r.error = c.stopped_because;
    } else if (WIFSIGNALED(c.status)) {
      r.error = "killed by " + signal_name(WTERMSIG(c.status)) +
                (WCOREDUMP(c.status) ? " (core dumped)" : "");
    } else if (!rep.finished) {
      r.error = "exited with status " + std::to_string(WEXITSTATUS(c.status)) +
                " before running its workload";
    } else if (!rep.ok) {
      r.error = rep.error;
    } else {
      r.ok = WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0;
      if (!r.ok)
        r.error = "exited with status " + std::to_string(WEXITSTATUS(c.status));
    }
    return r;
  }
};

Transfer::Transfer(const TransferSpec &spec) : impl_(std::make_unique<Impl>()) {
  Impl &s = *impl_;
  s.spec = spec;
  if (!spec.workload)
    throw Error("no workload given");
  s.file = std::make_unique<DataFile>(spec.dir, spec.size, spec.seed);

  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  s.gate_r = gate[0];
  s.gate_w = gate[1];
  void *mem = mmap(nullptr, sizeof(SharedReports), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    throw_errno("mmap shared reports");
  s.shared = new (mem) SharedReports{};
  s.source.report = &s.shared->source;
  s.sink.report = &s.shared->sink;

  const pid_t parent = getpid();
  const Workload *w = spec.workload;

  if (w->writes_file()) {
    s.dest = std::make_unique<UnnamedFile>(spec.dir, "copy destination");
    s.dest_path = s.dest->path();
  }

  if (spec.sink != SinkMode::Read) {
    if (!w->default_sink())
      throw Error(std::string(w->name()) + " has a sink of its own: --sink does not apply");
    s.sink_file = std::make_unique<UnnamedFile>(spec.dir, "sink's file");
  }

  s.sink.pid = fork();
  if (s.sink.pid < 0)
    throw_errno("fork the sink");
  if (s.sink.pid == 0) {
    ChildReport *rep = s.sink.report;
    SharedReporter reporter(rep);
    Fd listener;
    Fd sink_file;
    child_main(
        "zc-sink", parent, s.gate_r, {}, rep,
        [&] {
          if (!spec.sink_netns.empty())
            enter_netns(spec.sink_netns);
          listener = listen_on(spec.address, rep->port, [&](int fd) { w->tune_socket(fd); });
          if (s.sink_file)
            sink_file = open_file(s.sink_file->path(), O_WRONLY);
        },
        [&] {
          const Received got = w->receive(SinkContext{listener.get(), spec.chunk, s.dest_path,
                                                      &reporter, spec.sink, sink_file.get()});
          rep->bytes = got.bytes;
          rep->crc32c = got.crc32c;
        });
  }
  // The sink must be listening before the source may connect.
  s.wait_parked(s.sink);

  s.source.pid = fork();
  if (s.source.pid < 0)
    throw_errno("fork the source");
  if (s.source.pid == 0) {
    SharedReporter reporter(s.source.report);
    SourceContext ctx{s.file->path(), s.dest_path, spec.address, s.shared->sink.port,
                      spec.size,      spec.chunk,  spec.options, &reporter};
    ctx.tune = [w](int fd) { w->tune_socket(fd); };
    child_main(
        "zc-source", parent, s.gate_r, {}, s.source.report, [] {}, [&] { w->send(ctx); });
  }
  s.wait_parked(s.source);
}

Transfer::~Transfer() = default;

pid_t Transfer::source_pid() const { return impl_->source.pid; }
pid_t Transfer::sink_pid() const { return impl_->sink.pid; }
FileId Transfer::data_file() const { return impl_->file->id(); }

void Transfer::start() {
  Impl &s = *impl_;
  s.resident_before = prepare_cache(s.file->path(), s.spec.size, s.spec.cache);
  s.sink.baseline = proc_usage(s.sink.pid);
  s.source.baseline = proc_usage(s.source.pid);
  const char go[2] = {'g', 'g'};
  if (write(s.gate_w, go, sizeof(go)) != sizeof(go))
    throw_errno("open the start gate");
  close(s.gate_w);
  s.gate_w = -1;
}

bool Transfer::poll() {
  Impl &s = *impl_;
  s.reap(s.source, false);
  s.reap(s.sink, false);
  s.stop_peer_of_failed(s.source, s.sink);
  s.stop_peer_of_failed(s.sink, s.source);
  return s.source.reaped && s.sink.reaped;
}

void Transfer::kill_all() {
  for (Impl::Child *c : {&impl_->source, &impl_->sink}) {
    if (c->pid > 0 && !c->reaped && c->stopped_because.empty())
      c->stopped_because = "stopped by zctrace";
    impl_->kill_child(*c);
  }
}

Transfer::FileState Transfer::file_state() const {
  const Impl &s = *impl_;
  FileState f;
  f.resident_after = resident_pages(s.file->path(), s.spec.size);
  if (s.dest)
    f.destination = shared_extents(s.dest->fd(), f.destination_why_not);
  return f;
}

TransferOutcome Transfer::outcome() const {
  const Impl &s = *impl_;
  TransferOutcome o;
  o.source = s.result_of(s.source);
  o.sink = s.result_of(s.sink);
  o.expected_bytes = s.spec.size;
  o.expected_crc32c = s.file->crc32c();
  std::string unreported;
  if (s.spec.workload->sends_part()) {
    // The file's first bytes, as many as the source's writes returned.
    const auto sent = std::find_if(o.source.figures.begin(), o.source.figures.end(),
                                   [](const auto &f) { return f.first == "sent_bytes"; });
    if (sent == o.source.figures.end())
      unreported = "the source did not report the bytes it sent";
    else
      o.expected_bytes = std::min(sent->second, s.spec.size);
    o.expected_crc32c = s.file->crc32c_of_first(o.expected_bytes);
  }
  o.received_bytes = s.shared->sink.bytes;
  o.received_crc32c = s.shared->sink.crc32c;
  std::string unread;
  if (s.sink_file) {
    // What the sink wrote, read back here once it is gone: the splice sink
    // never saw the bytes, and the file is what a broker would keep.
    try {
      const FileDigest d = digest_of(s.sink_file->fd());
      if (d.bytes != o.received_bytes)
        unread = "the sink received " + std::to_string(o.received_bytes) +
                 " bytes but its file holds " + std::to_string(d.bytes);
      o.received_crc32c = d.crc32c;
    } catch (const std::exception &e) {
      unread = "cannot read the sink's file back: " + describe(e).message;
    }
  }
  o.file_pages = page_count(s.spec.size);
  o.resident_before = s.resident_before;
  o.filesystem = s.file->filesystem();
  // Name the side that failed by itself, not the peer zctrace then stopped.
  if (!o.source.ok && s.source.stopped_because.empty())
    o.integrity_error = "the source failed: " + o.source.error;
  else if (!o.sink.ok)
    o.integrity_error = "the sink failed: " + o.sink.error;
  else if (!o.source.ok)
    o.integrity_error = "the source failed: " + o.source.error;
  else if (!unreported.empty())
    o.integrity_error = unreported;
  else if (!unread.empty())
    o.integrity_error = unread;
  else if (o.received_bytes != o.expected_bytes)
    o.integrity_error = "the sink received " + std::to_string(o.received_bytes) + " bytes of " +
                        std::to_string(o.expected_bytes) +
                        (s.spec.workload->sends_part() ? " the source sent" : "");
  else if (o.received_crc32c != o.expected_crc32c)
    o.integrity_error = o.expected_bytes == s.spec.size
                            ? "the received bytes differ from the file (CRC32C mismatch)"
                            : "the received bytes differ from the file's first " +
                                  std::to_string(o.expected_bytes) + " (CRC32C mismatch)";
  o.integrity_ok = o.integrity_error.empty();
  return o;
}

} // namespace zc::workloads
