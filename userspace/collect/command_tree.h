// The command a trace starts, and everything it starts in turn: forked
// before any BPF object exists, held at a gate until the probes watch it,
// kept in a cgroup of its own where cgroup v2 can be written (else in a
// process group of its own, which a daemon can leave), so that the whole
// tree can be ended; and watched by a guardian process that ends the tree
// when zctrace dies without doing so, even by SIGKILL.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace zc {

struct CommandSpec {
  std::vector<std::string> argv;
  std::optional<std::string> user; // run as this user (uid, gid, groups)
};

class CommandTree {
public:
  // Throws UsageError for a command or user that does not exist.
  explicit CommandTree(const CommandSpec &spec);
  ~CommandTree(); // ends what still runs (SIGKILL), removes the cgroup, dismisses the guardian
  CommandTree(const CommandTree &) = delete;
  CommandTree &operator=(const CommandTree &) = delete;

  pid_t pid() const { return pid_; }
  // "cgroup /sys/fs/cgroup/zctrace-123-1" or "process group 4567"
  std::string containment() const;

  void start(); // opens the gate

  // True once the command itself has exited (reaped; status and rusage kept).
  bool exited();
  int status() const { return status_; }
  const rusage &usage() const { return usage_; }

  // Processes of the tree still alive (the cgroup's, else the group's).
  std::vector<pid_t> alive() const;

  // Ends every process of the tree: SIGTERM, then SIGKILL to what is left
  // after `grace`; waits until none is left, reaping what is zctrace's.
  void end(std::chrono::milliseconds grace);

private:
  void signal_all(int sig) const;
  void reap_orphans();

  pid_t pid_ = -1;
  pid_t guardian_ = -1;
  int gate_ = -1;
  int guardian_pipe_ = -1;
  std::string cgroup_; // empty: a process group
  bool reaped_ = false;
  int status_ = 0;
  rusage usage_{};
};

// Removes cgroups a zctrace that died left behind (their guardian died
// with it) after ending what is in them. Called at the start of a trace.
void sweep_stale_cgroups();

// The guardian of a command's tree, as zctrace re-executes itself for it:
// `zctrace --zc-guardian FD CGROUP|- PGID` (main() runs it before anything
// else).
inline constexpr const char *kGuardianFlag = "--zc-guardian";
[[noreturn]] void guardian_main(int pipe_fd, const std::string &cgroup, pid_t group);

} // namespace zc
