#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "error.h"
#include "processes.h"

namespace zc::vmtest {

std::string ToolResult::last_line() const {
  for (const std::string *text : {&err, &out}) {
    std::istringstream in(*text);
    std::string line, last;
    while (std::getline(in, line))
      if (line.find_first_not_of(" \t\r") != std::string::npos)
        last = line;
    if (!last.empty())
      return last;
  }
  return "exit status " + std::to_string(exit_code);
}

std::filesystem::path find_in_path(const std::string &name) {
  if (name.find('/') != std::string::npos)
    return access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name) : std::filesystem::path();
  const char *path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

ToolResult run_tool(const std::vector<std::string> &argv, const std::filesystem::path &cwd) {
  const std::filesystem::path exe = find_in_path(argv.at(0));
  if (exe.empty())
    throw Error(argv[0] + " not found in PATH");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  const pid_t pid = fork();
  if (pid < 0)
    throw_errno("fork");
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0)
      _exit(126);
    std::vector<char *> args = exec_args(argv);
    execv(exe.c_str(), args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  ToolResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR)
      break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

ToolResult run_tool_checked(const std::vector<std::string> &argv, const std::string &what,
                            const std::filesystem::path &cwd) {
  ToolResult r = run_tool(argv, cwd);
  if (r.exit_code != 0)
    throw Error(what + ": " + r.last_line());
  return r;
}

} // namespace zc::vmtest
