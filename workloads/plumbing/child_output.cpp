#include "child_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "error.h"
#include "io.h"
#include "processes.h"

namespace zc::workloads {

std::string ChildOutput::last_line() const {
  const auto nl = output.rfind('\n');
  return output.substr(nl == std::string::npos ? 0 : nl + 1);
}

ChildOutput run_collecting(const std::string &program, const std::vector<std::string> &argv) {
  std::vector<char *> args = exec_args(argv);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  Fd out_r(out[0]), out_w(out[1]);
  ChildOutput r;
  r.pid = fork();
  if (r.pid < 0)
    throw_errno("fork to run " + program);
  if (r.pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out_w.get(), STDOUT_FILENO);
    dup2(out_w.get(), STDERR_FILENO);
    execv(program.c_str(), args.data());
    _exit(127);
  }
  out_w.reset();
  char buf[4096];
  while (true) {
    const ssize_t n = read(out_r.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (r.output.size() < 65536)
      r.output.append(buf, static_cast<std::size_t>(n));
  }
  while (waitpid(r.pid, &r.status, 0) < 0 && errno == EINTR) {
  }
  while (!r.output.empty() && r.output.back() == '\n')
    r.output.pop_back();
  return r;
}

} // namespace zc::workloads
