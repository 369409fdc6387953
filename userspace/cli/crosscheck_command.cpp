// zctrace crosscheck: each method run, and its copy bytes compared with
// independent routes (see analysis/crosscheck.h), optionally bpftrace's.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "crosscheck.h"
#include "interrupt.h"
#include "json_file.h"
#include "preflight.h"
#include "run_session.h"
#include "subprocess.h"

namespace zc {

namespace {

// Sums over the workload's own processes, by name (set by the harness).
// BEGIN runs once every probe is attached: its line says bpftrace is ready.
constexpr const char *kBpftraceScript =
    "BEGIN { printf(\"zctrace-ready\\n\"); }\n"
    "tracepoint:skb:skb_copy_datagram_iovec /comm == \"zc-sink\"/ { @recv = sum(args->len); }\n"
    "tracepoint:sock:sock_send_length /comm == \"zc-source\" && args->ret > 0/ "
    "{ @send = sum(args->ret); }\n";

// bpftrace, beside one run: started (and attached) before it, stopped after.
class Bpftrace {
public:
  Bpftrace() {
    // bpftrace's tracepoint probes read their formats from tracefs.
    if (access("/sys/kernel/tracing/events", F_OK) != 0 &&
        mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
      throw_errno("mount tracefs for bpftrace");
    const auto exe = vmtest::find_in_path("bpftrace");
    if (exe.empty())
      throw Error("bpftrace not found: install Debian's bpftrace (or drop --bpftrace)");
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0)
      throw_errno("pipe2");
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(out[1], 1);
      dup2(out[1], 2);
      execl(exe.c_str(), "bpftrace", "-e", kBpftraceScript, static_cast<char *>(nullptr));
      _exit(127);
    }
    close(out[1]);
    fd_ = out[0];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (text_.find("zctrace-ready") == std::string::npos) {
      if (!read_some(1000) || std::chrono::steady_clock::now() > deadline)
        throw Error("bpftrace did not start: " + text_);
    }
  }

  ~Bpftrace() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0)
      close(fd_);
  }

  analysis::BpftraceCounts stop() {
    // bpftrace prints its maps when SIGINT reaches its event loop; one that
    // arrives while it is still busy can go unnoticed, so it is repeated.
    bool exited = false;
    for (int attempt = 0; attempt < 10 && !exited; ++attempt) {
      kill(pid_, SIGINT);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      while (!exited && std::chrono::steady_clock::now() < until) {
        if (!read_some(100))
          exited = waitpid(pid_, nullptr, WNOHANG) == pid_;
      }
    }
    while (read_some(0)) {
    }
    if (!exited)
      throw Error("bpftrace did not stop within 10 s of SIGINT");
    pid_ = -1;
    analysis::BpftraceCounts counts;
    std::istringstream in(text_);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("@recv: ", 0) == 0)
        counts.sink_receive_bytes = std::stoull(line.substr(7));
      else if (line.rfind("@send: ", 0) == 0)
        counts.source_send_bytes = std::stoull(line.substr(7));
    }
    // A map that was never written prints nothing: bpftrace saw zero.
    if (!counts.sink_receive_bytes)
      counts.sink_receive_bytes = 0;
    return counts;
  }

private:
  bool read_some(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0)
      return false;
    char buf[4096];
    const ssize_t n = read(fd_, buf, sizeof(buf));
    if (n <= 0)
      return false;
    text_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string text_;
};

} // namespace

int crosscheck_command(const CrosscheckOptions &o) {
  install_interrupt_handlers();
  require_bpf_privileges();
  require_kernel_btf();
  Features features;
  std::vector<analysis::CrossCheck> checks;
  std::string skipped;
  for (const auto &method : o.methods) {
    const RunRequest req = make_request(method, o.size, o.chunk, o.cache);
    try {
      check_request(req);
    } catch (const Unavailable &e) {
      skipped += "skipped: " + describe(e).message + "\n";
      continue;
    }
    std::unique_ptr<Bpftrace> bpftrace;
    if (o.bpftrace)
      bpftrace = std::make_unique<Bpftrace>();
    const RunResult run = run_traced(req, features);
    const analysis::BpftraceCounts counts =
        bpftrace ? bpftrace->stop() : analysis::BpftraceCounts{};
    with_context(method, [&] { require_success(run); });
    for (auto &c : analysis::crosscheck(run, counts))
      checks.push_back(std::move(c));
  }
  std::cout << "crosscheck on kernel " << running_kernel().release
            << ": every figure against an independent route, tolerance 1%\n\n"
            << analysis::render_crosschecks(checks) << skipped << std::flush;
  if (o.json_path) {
    nlohmann::json doc = {{"schema", "zctrace.crosscheck/1"},
                          {"kernel", running_kernel().release},
                          {"checks", nlohmann::json::array()}};
    for (const auto &c : checks)
      doc["checks"].push_back(analysis::to_json(c));
    write_json_atomically(*o.json_path, std::move(doc));
  }
  std::size_t bad = 0;
  for (const auto &c : checks)
    bad += !c.ok();
  if (bad)
    throw Error(std::to_string(bad) + " of " + std::to_string(checks.size()) +
                " cross-checks differ by more than 1%");
  return 0;
}

} // namespace zc
