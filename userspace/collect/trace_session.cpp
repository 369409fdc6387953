#include "trace_session.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "collector.h"
#include "interrupt.h"

namespace zc {

namespace {

using Clock = std::chrono::steady_clock;

// A started command, held at a gate until the probes watch it.
class GatedCommand {
public:
  explicit GatedCommand(const std::vector<std::string> &argv) {
    const std::string exe = resolve_command(argv.at(0));
    int gate[2];
    if (pipe2(gate, O_CLOEXEC) != 0)
      throw_errno("pipe2");
    pid_ = fork();
    if (pid_ < 0)
      throw_errno("fork");
    if (pid_ == 0) {
      close(gate[1]);
      char go;
      // The gate's write end closes without a byte when zctrace gives up.
      if (read(gate[0], &go, 1) != 1)
        _exit(127);
      std::vector<char *> args;
      for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
      args.push_back(nullptr);
      execv(exe.c_str(), args.data());
      _exit(127);
    }
    close(gate[0]);
    gate_ = gate[1];
  }

  ~GatedCommand() {
    if (gate_ >= 0)
      close(gate_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }

  void open_gate() {
    const char go = 1;
    if (write(gate_, &go, 1) != 1)
      throw_errno("starting the command");
    close(gate_);
    gate_ = -1;
  }

  // True once the command has exited (status and rusage kept).
  bool poll() {
    if (reaped_)
      return true;
    int status = 0;
    rusage ru{};
    const pid_t r = wait4(pid_, &status, WNOHANG, &ru);
    if (r != pid_)
      return false;
    reaped_ = true;
    status_ = status;
    usage_ = ru;
    return true;
  }

  void kill_it() {
    if (!reaped_)
      kill(pid_, SIGKILL);
    while (!poll())
      usleep(1000);
  }

  int status() const { return status_; }
  const rusage &usage() const { return usage_; }

private:
  pid_t pid_ = -1;
  int gate_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  rusage usage_{};
};

// A process that is gone, or a zombie its parent has not reaped yet.
bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line))
    return true;
  const auto close_paren = line.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= line.size() ||
         line[close_paren + 2] == 'Z' || line[close_paren + 2] == 'X';
}

std::string join(const std::vector<std::string> &words) {
  std::string out;
  for (const auto &w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

} // namespace

std::string resolve_command(const std::string &name) {
  auto runnable = [](const std::string &path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (name.empty())
    throw UsageError("no command to trace");
  if (name.find('/') != std::string::npos) {
    if (!runnable(name))
      throw UsageError("command not found or not executable: " + name);
    return name;
  }
  const char *path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && runnable(dir + "/" + name))
      return dir + "/" + name;
  throw UsageError("command not found: " + name + " (not in PATH)");
}

std::pair<pid_t, std::string> find_process(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (pid <= 0 || !status)
    throw UsageError("no process with pid " + std::to_string(pid));
  std::string line, name;
  pid_t tgid = pid;
  while (std::getline(status, line)) {
    if (line.rfind("Name:", 0) == 0)
      name = line.substr(line.find_first_not_of(" \t", 5));
    else if (line.rfind("Tgid:", 0) == 0)
      tgid = static_cast<pid_t>(std::stol(line.substr(5)));
  }
  if (process_gone(tgid))
    throw UsageError("process " + std::to_string(pid) + " has already exited");
  return {tgid, name};
}

TraceResult trace_program(const TraceRequest &req, Features &features, const EventSink &on_event) {
  if (req.command.empty() == !req.pid)
    throw UsageError("trace either a command (after --) or a process (--pid)");
  if (req.pid && !req.duration_s)
    throw UsageError("--pid needs --duration: how many seconds to trace");
  TraceResult r;
  r.kernel = running_kernel();
  std::unique_ptr<GatedCommand> command;
  pid_t target = 0;
  if (req.pid) {
    const auto [tgid, name] = find_process(*req.pid);
    target = tgid;
    r.target = "pid " + std::to_string(tgid) + " (" + name + ")";
  } else {
    // Fork first: the command must not inherit BPF descriptors.
    command = std::make_unique<GatedCommand>(req.command);
    target = command->pid();
    r.target = "command: " + join(req.command);
  }
  r.pid = static_cast<std::uint32_t>(target);

  auto probes = with_context("loading the probes",
                             [&] { return std::make_unique<ProbeSet>(features, req.probes); });
  probes->add_target(target, ZC_ROLE_SOURCE, true);
  if (req.on_attached)
    req.on_attached(probes->reports());
  const auto began = Clock::now();
  if (command)
    with_context("starting the command", [&] { command->open_gate(); });
  const auto deadline = req.duration_s ? began + std::chrono::duration<double>(*req.duration_s)
                                       : Clock::time_point::max();

  bool interrupted = false;
  while (true) {
    probes->poll_events(50, on_event);
    if (interrupt_requested()) {
      interrupted = true;
      r.partial = true;
      r.partial_reason = "interrupted";
      break;
    }
    if (command && command->poll())
      break;
    if (!command && process_gone(target)) {
      r.partial = true;
      std::ostringstream why;
      why << "process " << target << " exited after "
          << std::chrono::duration<double>(Clock::now() - began).count() << " s of the "
          << *req.duration_s << " s asked for";
      r.partial_reason = why.str();
      break;
    }
    if (Clock::now() >= deadline)
      break;
  }
  probes->clear_targets();
  probes->drain_events(on_event);
  r.wall_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - began).count());

  ProcessObservation obs;
  obs.wall_ns = static_cast<std::int64_t>(r.wall_ns);
  if (command) {
    if (!command->poll()) {
      // Ran past --duration or was interrupted: the trace is over, so is it.
      if (!interrupted) {
        r.partial = true;
        r.partial_reason = "the command was still running after " +
                           std::to_string(*req.duration_s) + " s and was killed";
      }
      command->kill_it();
    }
    const int st = command->status();
    if (WIFEXITED(st))
      r.exit_status = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
      r.exit_signal = WTERMSIG(st);
    obs.usage = usage_of(command->usage());
  }

  const RawCounters counters = probes->read_counters();
  r.probes = probes->reports();
  observe(r, counters, probes->events_received(), 0);
  const ProbeIndex index(r.probes);
  r.account = build_account(ZC_ROLE_SOURCE, counters, index, obs, 0);
  r.account.role = "program";
  return r;
}

} // namespace zc
