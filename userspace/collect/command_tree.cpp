#include "command_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "error.h"
#include "processes.h"

namespace zc {

namespace {

// Not "zctrace": `pkill -f zctrace` must not find the guardian, whose
// command line names the cgroup.
constexpr const char *kCgroupPrefix = "zc-tree-";

// Where cgroup v2 is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on
// a hybrid system; empty when it is not.
std::string cgroup2_root() {
  std::ifstream mounts("/proc/self/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream f(line);
    std::string dev, dir, type;
    f >> dev >> dir >> type;
    if (type == "cgroup2")
      return dir;
  }
  return {};
}

struct User {
  uid_t uid;
  gid_t gid;
  std::string name;
};

User find_user(const std::string &name) {
  errno = 0;
  const passwd *pw = getpwnam(name.c_str());
  if (!pw)
    throw UsageError("no user '" + name + "' (--user)");
  return {pw->pw_uid, pw->pw_gid, pw->pw_name};
}

bool write_file(const std::string &path, const std::string &text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return false;
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

std::vector<pid_t> cgroup_members(const std::string &cgroup) {
  std::vector<pid_t> pids;
  std::ifstream in(cgroup + "/cgroup.procs");
  for (long pid; in >> pid;)
    pids.push_back(static_cast<pid_t>(pid));
  return pids;
}

// Every process of the cgroup gets `sig`; SIGKILL through cgroup.kill
// where the kernel has it (5.14), which also reaches processes forking
// while it runs.
void signal_cgroup(const std::string &cgroup, int sig) {
  if (sig == SIGKILL && write_file(cgroup + "/cgroup.kill", "1"))
    return;
  for (pid_t pid : cgroup_members(cgroup))
    kill(pid, sig);
}

// A cgroup v2 of its own for the tree, under the root; empty when cgroup
// v2 is not mounted here or cannot be written.
std::string make_cgroup() {
  const std::string root = cgroup2_root();
  struct statfs st {};
  if (root.empty() || statfs(root.c_str(), &st) != 0 || st.f_type != CGROUP2_SUPER_MAGIC)
    return {};
  static int seq = 0;
  const std::string path =
      root + "/" + kCgroupPrefix + std::to_string(getpid()) + "-" + std::to_string(++seq);
  if (mkdir(path.c_str(), 0755) != 0)
    return {};
  return path;
}

// Waits until `empty()` holds, up to `limit`.
template <typename F> bool wait_until(F &&empty, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!empty()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

} // namespace

// The guardian: in a session of its own (a signal to zctrace's process
// group or terminal does not reach it), it waits for zctrace to say the
// tree is ended ('d'); if zctrace dies first (its end of the pipe closes
// with nothing said), it kills the tree itself and removes the cgroup.
void guardian_main(int pipe_fd, const std::string &cgroup, pid_t group) {
  setsid();
  prctl(PR_SET_NAME, "zc-guardian");
  // Nothing of zctrace's output stays open through it.
  if (const int null = open("/dev/null", O_RDWR | O_CLOEXEC); null >= 0)
    for (int fd = 0; fd < 3; ++fd)
      dup2(null, fd);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
    signal(sig, SIG_IGN);
  if (pipe_fd > 3)
    close_range(3, static_cast<unsigned>(pipe_fd) - 1, 0);
  close_range(static_cast<unsigned>(pipe_fd) + 1, ~0u, 0);
  char said = 0;
  ssize_t n;
  while ((n = read(pipe_fd, &said, 1)) < 0 && errno == EINTR) {
  }
  if (n == 1 && said == 'd')
    _exit(0);
  if (!cgroup.empty()) {
    wait_until(
        [&] {
          signal_cgroup(cgroup, SIGKILL);
          return cgroup_members(cgroup).empty();
        },
        std::chrono::seconds(10));
    rmdir(cgroup.c_str());
  } else {
    kill(-group, SIGKILL);
  }
  _exit(0);
}

CommandTree::CommandTree(const CommandSpec &spec) {
  const std::string exe = resolve_command(spec.argv.at(0));
  std::optional<User> user;
  if (spec.user)
    user = find_user(*spec.user);
  // Orphans of the tree come to zctrace, which reaps them when it ends it.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  cgroup_ = make_cgroup();

  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  pid_ = fork();
  if (pid_ < 0)
    throw_errno("fork the command");
  if (pid_ == 0) {
    close(gate[1]);
    // Without a cgroup, a process group of its own is what can be ended
    // whole; with one, it stays in the terminal's group, as under `time`.
    if (cgroup_.empty())
      setpgid(0, 0);
    char go;
    // The gate's write end closes without a byte when zctrace gives up.
    if (read(gate[0], &go, 1) != 1)
      _exit(127);
    if (user && (initgroups(user->name.c_str(), user->gid) != 0 || setgid(user->gid) != 0 ||
                 setuid(user->uid) != 0))
      _exit(126);
    std::vector<char *> args = exec_args(spec.argv);
    execv(exe.c_str(), args.data());
    _exit(127);
  }
  close(gate[0]);
  gate_ = gate[1];
  if (cgroup_.empty())
    setpgid(pid_, pid_);
  else if (!write_file(cgroup_ + "/cgroup.procs", std::to_string(pid_))) {
    // Not movable (a delegated hierarchy, say): a process group instead,
    // which a parent may still give its child before it execs.
    rmdir(cgroup_.c_str());
    cgroup_.clear();
    setpgid(pid_, pid_);
  }

  int watch[2];
  if (pipe2(watch, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  guardian_ = fork();
  if (guardian_ < 0)
    throw_errno("fork the guardian");
  if (guardian_ == 0) {
    close(watch[1]);
    // A program of its own, as far as ps and pkill can tell (zctrace
    // itself, run again as "zc-guardian"): killing every zctrace by name or
    // command line leaves the guardian to end the tree.
    // dup2 onto itself would keep O_CLOEXEC, and the guardian would find
    // fd 3 closed and end the tree at once.
    const bool on_three = watch[0] == 3 ? fcntl(3, F_SETFD, 0) == 0 : dup2(watch[0], 3) == 3;
    if (on_three) {
      const std::string group = std::to_string(pid_);
      const char *argv[] = {"zc-guardian", kGuardianFlag,
                            "3",           cgroup_.empty() ? "-" : cgroup_.c_str(),
                            group.c_str(), nullptr};
      execv("/proc/self/exe", const_cast<char *const *>(argv));
    }
    guardian_main(watch[0], cgroup_, pid_); // no /proc/self/exe: as it is
  }
  close(watch[0]);
  guardian_pipe_ = watch[1];
}

CommandTree::~CommandTree() {
  try {
    if (pid_ > 0)
      end(std::chrono::milliseconds(0));
  } catch (const std::exception &) {
    // The guardian, told nothing, ends what is left.
  }
  if (gate_ >= 0)
    close(gate_);
  if (guardian_pipe_ >= 0) {
    if (alive().empty()) {
      const char done = 'd';
      (void)!write(guardian_pipe_, &done, 1);
    }
    close(guardian_pipe_);
  }
  if (guardian_ > 0)
    while (waitpid(guardian_, nullptr, 0) < 0 && errno == EINTR) {
    }
  if (!cgroup_.empty())
    rmdir(cgroup_.c_str());
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

std::string CommandTree::containment() const {
  return cgroup_.empty() ? "process group " + std::to_string(pid_) : "cgroup " + cgroup_;
}

void CommandTree::start() {
  const char go = 1;
  if (write(gate_, &go, 1) != 1)
    throw_errno("starting the command");
  close(gate_);
  gate_ = -1;
}

bool CommandTree::exited() {
  if (reaped_)
    return true;
  const pid_t r = wait4(pid_, &status_, WNOHANG, &usage_);
  if (r == pid_)
    reaped_ = true;
  return reaped_;
}

std::vector<pid_t> CommandTree::alive() const {
  if (!cgroup_.empty())
    return cgroup_members(cgroup_);
  std::vector<pid_t> out;
  for (const LiveProcess &p : live_processes())
    if (p.pgrp == pid_)
      out.push_back(p.pid);
  return out;
}

void CommandTree::signal_all(int sig) const {
  if (!cgroup_.empty())
    signal_cgroup(cgroup_, sig);
  else
    kill(-pid_, sig);
}

void CommandTree::reap_orphans() {
  // Descendants whose parents died were reparented to zctrace (a child
  // subreaper); the guardian is not one of them.
  siginfo_t info{};
  while (true) {
    info.si_pid = 0;
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
      return;
    if (info.si_pid == guardian_)
      return; // it is reaped when it is dismissed
    if (info.si_pid == pid_)
      exited();
    else
      waitpid(info.si_pid, nullptr, 0);
  }
}

void CommandTree::end(std::chrono::milliseconds grace) {
  if (pid_ <= 0)
    return;
  if (gate_ >= 0) { // never started: closing the gate ends it
    close(gate_);
    gate_ = -1;
  }
  auto gone = [&] {
    exited();
    reap_orphans();
    return alive().empty();
  };
  if (!gone()) {
    if (grace.count() > 0) {
      signal_all(SIGTERM);
      wait_until(gone, grace);
    }
    if (!gone())
      signal_all(SIGKILL);
    if (!wait_until(gone, std::chrono::seconds(10)))
      throw Error("the command's processes did not end within 10 s of SIGKILL (" + containment() +
                  ")");
  }
  while (!exited() && waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
}

void sweep_stale_cgroups() {
  const std::string root = cgroup2_root();
  DIR *d = root.empty() ? nullptr : opendir(root.c_str());
  if (!d)
    return;
  const std::string prefix = kCgroupPrefix;
  while (const dirent *e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind(prefix, 0) != 0)
      continue;
    const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
    if (owner > 0 && !process_gone(owner))
      continue; // a zctrace still running owns it
    const std::string path = root + "/" + name;
    wait_until(
        [&] {
          signal_cgroup(path, SIGKILL);
          return cgroup_members(path).empty();
        },
        std::chrono::seconds(10));
    rmdir(path.c_str());
  }
  closedir(d);
}

} // namespace zc
