#include "trace_session.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>
#include <sstream>

#include "collector.h"
#include "command_tree.h"
#include "interrupt.h"
#include "processes.h"
#include "signals.h"

namespace zc {

namespace {

using Clock = std::chrono::steady_clock;

std::string join(const std::vector<std::string> &words) {
  std::string out;
  for (const auto &w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

// The process a --pid names, checked: not a kernel thread, not zctrace.
ProcessInfo traceable(pid_t pid) {
  const auto p = inspect_process(pid);
  if (!p || p->zombie)
    throw UsageError("no process with pid " + std::to_string(pid));
  if (p->kernel_thread)
    throw UsageError("pid " + std::to_string(pid) + " is a kernel thread (" + p->name +
                     "): only processes can be traced");
  if (p->tgid == getpid())
    throw UsageError("pid " + std::to_string(pid) + " is zctrace itself");
  return *p;
}

// Registers the roots, then their descendants until a pass over /proc finds
// no new one: a child forked after its parent was registered is followed
// by the probes themselves (sched_process_fork), one forked before is found
// here, and the pass is repeated for those forked in between.
std::set<pid_t> register_tree(ProbeSet &probes, const std::vector<pid_t> &roots) {
  std::set<pid_t> known(roots.begin(), roots.end());
  for (pid_t root : roots)
    probes.add_target(root, ZC_ROLE_SOURCE, true);
  std::set<pid_t> running;
  while (true) {
    const std::set<pid_t> found = descendants(known);
    std::size_t added = 0;
    for (pid_t pid : found)
      if (known.insert(pid).second) {
        probes.add_target(pid, ZC_ROLE_SOURCE, true, true);
        running.insert(pid);
        ++added;
      }
    if (added == 0)
      return running;
  }
}

std::vector<FollowedProcess> followed_of(const ProbeSet &probes, const std::vector<pid_t> &roots,
                                         const std::set<pid_t> &running, bool command) {
  std::vector<FollowedProcess> out;
  for (const auto &[tgid, t] : probes.targets()) {
    FollowedProcess p;
    p.pid = tgid;
    p.ppid = t.ppid;
    p.name = std::string(t.comm, strnlen(t.comm, sizeof(t.comm)));
    p.execs = t.execs;
    const bool root =
        std::find(roots.begin(), roots.end(), static_cast<pid_t>(tgid)) != roots.end();
    p.how = root                                      ? (command ? "command" : "--pid")
            : running.count(static_cast<pid_t>(tgid)) ? "already running"
                                                      : "forked while traced";
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const FollowedProcess &a, const FollowedProcess &b) { return a.pid < b.pid; });
  return out;
}

std::string seconds(double s) {
  std::ostringstream out;
  out << s << " s";
  return out.str();
}

} // namespace

void check_trace_request(const TraceRequest &req) {
  if (req.command.empty() && req.pids.empty())
    throw UsageError("nothing to trace: give a command (zctrace trace -- COMMAND ARGS...) or "
                     "a process (zctrace trace --pid PID --duration S)");
  if (!req.command.empty() && !req.pids.empty())
    throw UsageError("trace either a command or processes (--pid), not both");
  if (!req.pids.empty() && !req.duration_s)
    throw UsageError("--pid needs --duration: how many seconds to trace");
  if (req.user && !req.pids.empty())
    throw UsageError("--user applies to a command zctrace starts, not to --pid");
  for (pid_t pid : req.pids)
    traceable(pid);
  if (!req.command.empty())
    resolve_command(req.command.front());
  if (req.user && !getpwnam(req.user->c_str()))
    throw UsageError("no user '" + *req.user + "' (--user)");
}

TraceResult trace_program(const TraceRequest &req, Features &features, const EventSink &on_event) {
  check_trace_request(req);
  TraceResult r;
  r.kernel = running_kernel();
  std::unique_ptr<CommandTree> command;
  std::vector<pid_t> roots;
  if (req.command.empty()) {
    for (pid_t pid : req.pids) {
      const ProcessInfo p = traceable(pid);
      roots.push_back(p.tgid);
      r.target +=
          (r.target.empty() ? "pid " : ", pid ") + std::to_string(p.tgid) + " (" + p.name + ")";
    }
  } else {
    sweep_stale_cgroups();
    // Fork first: the command must not inherit BPF descriptors.
    command = std::make_unique<CommandTree>(CommandSpec{req.command, req.user});
    roots.push_back(command->pid());
    r.target = "command: " + join(req.command);
    r.containment = command->containment();
  }
  for (pid_t root : roots)
    r.roots.push_back(static_cast<std::uint32_t>(root));

  ProbeSetOptions probe_options = req.probes;
  // Events are reserved and submitted only when something consumes them.
  probe_options.stream_events = static_cast<bool>(on_event);
  auto probes = with_context("loading the probes",
                             [&] { return std::make_unique<ProbeSet>(features, probe_options); });
  const std::set<pid_t> running = register_tree(*probes, roots);
  if (req.on_attached)
    req.on_attached(probes->reports());
  probes->mark_start();
  const auto began = Clock::now();
  if (command)
    with_context("starting the command", [&] { command->start(); });
  const auto deadline = req.duration_s ? began + std::chrono::duration<double>(*req.duration_s)
                                       : Clock::time_point::max();

  bool end_tree = false;
  // Woken by the command's exit, not only by the next timeout.
  const std::unique_ptr<PidFd> command_exit =
      command ? std::make_unique<PidFd>(command->pid()) : nullptr;
  while (true) {
    probes->poll_events(50, on_event,
                        command_exit ? std::vector<const PidFd *>{command_exit.get()}
                                     : std::vector<const PidFd *>{});
    if (interrupt_requested()) {
      r.ended = "interrupted by " + signal_name(interrupt_signal());
      r.partial = true;
      r.partial_reason = r.ended;
      end_tree = true;
      break;
    }
    if (command && command->exited()) {
      r.command_finished = true;
      r.ended = "the command exited";
      break;
    }
    if (!command && std::all_of(roots.begin(), roots.end(), process_gone)) {
      r.partial = true;
      r.partial_reason = "every traced process exited after " +
                         seconds(std::chrono::duration<double>(Clock::now() - began).count()) +
                         " of the " + seconds(*req.duration_s) + " asked for";
      r.ended = r.partial_reason;
      break;
    }
    if (Clock::now() >= deadline) {
      r.ended = "--duration (" + seconds(*req.duration_s) + ") reached";
      end_tree = true;
      break;
    }
  }
  // What the command's processes do while they are being ended is theirs:
  // the probes keep counting until the tree is gone.
  if (command) {
    if (!end_tree && !command->alive().empty())
      r.ended += "; what it left running was ended";
    command->end(std::chrono::milliseconds(static_cast<long>(req.grace_s * 1000)));
  }
  r.wall_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - began).count());
  with_context("detaching the probes", [&] { probes->detach(); });
  r.followed = followed_of(*probes, roots, running, command != nullptr);
  probes->clear_targets();
  probes->drain_events(on_event);

  ProcessObservation obs;
  obs.wall_ns = static_cast<std::int64_t>(r.wall_ns);
  if (command) {
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

int trace_exit_status(const TraceResult &t) {
  if (!t.command_finished)
    return 0;
  if (t.exit_signal)
    return 128 + *t.exit_signal;
  return t.exit_status.value_or(0);
}

} // namespace zc
