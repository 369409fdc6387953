// Processes as /proc shows them: who a pid is (its process, its parent,
// whether it is a kernel thread), whether it is still alive, and every
// process descended from a set of roots.
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zc {

struct ProcessInfo {
  pid_t pid = 0;  // as asked
  pid_t tgid = 0; // its process
  pid_t ppid = 0;
  std::string name;           // comm
  bool kernel_thread = false; // PF_KTHREAD
  bool zombie = false;
};

// The process `pid` is (or is a thread of); nothing when there is none.
std::optional<ProcessInfo> inspect_process(pid_t pid);

// Gone, or a zombie its parent has not reaped yet.
bool process_gone(pid_t pid);

struct LiveProcess {
  pid_t pid = 0; // tgid
  pid_t ppid = 0;
  pid_t pgrp = 0;
};

// Every process not a zombie, from one pass over /proc.
std::vector<LiveProcess> live_processes();

// Every live process (tgid) whose ancestry reaches one of `roots`, the
// roots excluded, from one pass over /proc.
std::set<pid_t> descendants(const std::set<pid_t> &roots);

// A pidfd (pidfd_open, 5.3): readable once the process has exited, so that
// a wait can wake at once instead of at its next timeout. fd() is -1 where
// the kernel has none (the wait then ends at its timeout, as before).
class PidFd {
public:
  explicit PidFd(pid_t pid);
  ~PidFd();
  PidFd(const PidFd &) = delete;
  PidFd &operator=(const PidFd &) = delete;
  int fd() const { return fd_; }
  // Whether the process has exited (the descriptor is readable).
  bool exited() const;

private:
  int fd_ = -1;
};

// `argv` as exec*() takes it: pointers into its strings, then a null.
std::vector<char *> exec_args(const std::vector<std::string> &argv);

// The executable `name` resolves to through PATH, or UsageError.
std::string resolve_command(const std::string &name);

} // namespace zc
