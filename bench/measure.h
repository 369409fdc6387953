// What the benchmarks share: a child process held before exec (so that a
// counter can be given its pid first) with its output in an anonymous file,
// an iperf3 server, and the median and spread of a series.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "error.h"
#include "processes.h"
#include "statistics.h"

namespace zc::bench {

// The output of a child process, kept in an anonymous file (no path to plant).
struct Output {
  int fd = memfd_create("zctrace-bench", MFD_CLOEXEC);
  ~Output() { close(fd); }
  std::string text() const {
    std::string out;
    char buf[65536];
    for (off_t at = 0;;) {
      const ssize_t n = pread(fd, buf, sizeof(buf), at);
      if (n <= 0)
        break;
      out.append(buf, static_cast<std::size_t>(n));
      at += n;
    }
    return out;
  }
};

// Forks `argv` with stdout and stderr in `out`, held before exec until
// release() (so that its pid can be given to the floor first).
class Child {
public:
  Child(const std::vector<std::string> &argv, const Output &out) {
    int gate[2];
    if (pipe2(gate, O_CLOEXEC))
      throw_errno("pipe");
    pid_ = fork();
    if (pid_ < 0)
      throw_errno("fork");
    if (pid_ == 0) {
      close(gate[1]);
      char go;
      if (read(gate[0], &go, 1) != 1)
        _exit(126);
      dup2(out.fd, 1);
      dup2(out.fd, 2);
      std::vector<char *> args = exec_args(argv);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(gate[0]);
    gate_ = gate[1];
  }
  ~Child() {
    if (gate_ >= 0)
      close(gate_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void release() {
    if (write(gate_, "g", 1) != 1)
      throw_errno("releasing the measured program");
    close(gate_);
    gate_ = -1;
  }
  int wait() {
    int st = 0;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return st;
  }

private:
  pid_t pid_ = -1;
  int gate_ = -1;
  bool reaped_ = false;
};

inline double median(const std::vector<double> &v) { return zc::median_of(v); }

inline double mib_per_s(double bytes, double seconds) {
  return bytes / (1024.0 * 1024.0) / seconds;
}

inline std::string spread(const std::vector<double> &v, const char *fmt) {
  const zc::Spread s = zc::spread_of(v);
  char buf[96];
  std::snprintf(buf, sizeof(buf), fmt, s.median, s.min, s.max);
  return buf;
}

// An iperf3 server for the loopback workload, ended with the bench.
class Iperf3Server {
public:
  explicit Iperf3Server(int port)
      : out_(), child_({"iperf3", "-s", "-p", std::to_string(port)}, out_) {
    child_.release();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }

private:
  Output out_;
  Child child_;
};

} // namespace zc::bench
