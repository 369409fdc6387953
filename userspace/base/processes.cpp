#include "processes.h"

#include <sys/syscall.h>

#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "error.h"

namespace zc {

namespace {

// include/linux/sched.h
constexpr unsigned long kPfKthread = 0x00200000;

std::string read_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The fields of /proc/PID/stat after the command (which may hold spaces
// and parentheses), from field 3 (state) on.
std::vector<std::string> stat_fields(pid_t pid, std::string *comm = nullptr) {
  const std::string line = read_line("/proc/" + std::to_string(pid) + "/stat");
  const auto open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 2 > line.size())
    return {};
  if (comm)
    *comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string s; rest >> s;)
    f.push_back(s);
  return f;
}

} // namespace

std::optional<ProcessInfo> inspect_process(pid_t pid) {
  if (pid <= 0)
    return std::nullopt;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status)
    return std::nullopt;
  ProcessInfo p;
  p.pid = pid;
  p.tgid = pid;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Tgid:", 0) == 0)
      p.tgid = static_cast<pid_t>(std::stol(line.substr(5)));
    else if (line.rfind("PPid:", 0) == 0)
      p.ppid = static_cast<pid_t>(std::stol(line.substr(5)));
  }
  const std::vector<std::string> f = stat_fields(p.tgid, &p.name);
  if (f.size() < 7)
    return std::nullopt;
  p.zombie = f[0] == "Z" || f[0] == "X";
  p.kernel_thread = (std::stoul(f[9 - 3]) & kPfKthread) != 0; // field 9: flags
  return p;
}

bool process_gone(pid_t pid) {
  const auto p = inspect_process(pid);
  return !p || p->zombie;
}

std::vector<LiveProcess> live_processes() {
  std::vector<LiveProcess> out;
  DIR *d = opendir("/proc");
  if (!d)
    return out;
  while (const dirent *e = readdir(d)) {
    char *end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (!end || *end || pid <= 0)
      continue;
    const std::vector<std::string> f = stat_fields(static_cast<pid_t>(pid));
    if (f.size() > 2 && f[0] != "Z" && f[0] != "X") // fields 3-5: state, ppid, pgrp
      out.push_back({static_cast<pid_t>(pid), static_cast<pid_t>(std::stol(f[1])),
                     static_cast<pid_t>(std::stol(f[2]))});
  }
  closedir(d);
  return out;
}

std::set<pid_t> descendants(const std::set<pid_t> &roots) {
  std::map<pid_t, pid_t> parent;
  for (const LiveProcess &p : live_processes())
    parent[p.pid] = p.ppid;
  std::set<pid_t> out;
  for (const auto &[pid, _] : parent) {
    // Climb until a root, pid 1 or a loop; /proc's view may be a moment old.
    pid_t p = pid;
    for (int depth = 0; depth < 4096 && p > 1; ++depth) {
      auto it = parent.find(p);
      if (it == parent.end())
        break;
      p = it->second;
      if (roots.count(p)) {
        if (!roots.count(pid))
          out.insert(pid);
        break;
      }
    }
  }
  return out;
}

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

PidFd::PidFd(pid_t pid) : fd_(static_cast<int>(syscall(SYS_pidfd_open, pid, 0))) {}

bool PidFd::exited() const {
  pollfd p{fd_, POLLIN, 0};
  return fd_ >= 0 && poll(&p, 1, 0) == 1;
}

PidFd::~PidFd() {
  if (fd_ >= 0)
    close(fd_);
}

std::vector<char *> exec_args(const std::vector<std::string> &argv) {
  std::vector<char *> args;
  args.reserve(argv.size() + 1);
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

} // namespace zc
