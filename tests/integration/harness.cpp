#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <bpf/bpf.h>

namespace zc::test {

Features &features() {
  static Features f;
  return f;
}

RunRequest request(const std::string &method) {
  RunRequest r;
  r.method = method;
  r.size = kSize;
  r.chunk = kChunk;
  r.timeout_s = 120;
  return r;
}

RunResult run(const RunRequest &req) { return run_traced(req, features()); }

std::uint64_t site_bytes(const Account &a, const std::string &site, const std::string &direction) {
  std::uint64_t total = 0;
  for (const SiteRow &r : a.cpu_copy.by_site)
    if (r.site == site && r.direction == direction)
      total += r.bytes;
  return total;
}

std::uint64_t calls(const Account &a, const std::string &syscall) {
  auto it = a.syscalls.by_name.find(syscall);
  return it == a.syscalls.by_name.end() ? 0 : it->second.count;
}

Command run_command(const std::vector<std::string> &argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char *> args;
    for (const auto &a : argv)
      args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Command c;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    poll(fds, 2, -1);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
        continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? c.out : c.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return c;
}

std::vector<std::string> zctrace(std::vector<std::string> args) {
  args.insert(args.begin(), ZCTRACE_BINARY);
  return args;
}

std::vector<std::uint32_t> loaded_bpf_programs() {
  std::vector<std::uint32_t> ids;
  __u32 id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0)
    ids.push_back(id);
  return ids;
}

} // namespace zc::test
