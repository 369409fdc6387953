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
      std::vector<char *> args;
      for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
      args.push_back(nullptr);
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

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// A distribution-free confidence interval of at least 95% for the median:
// the order statistics x(k) and x(n+1-k) with the largest k for which
// P(Binomial(n, 1/2) < k) <= 2.5% (with n = 7 that is the min and max:
// 98.4%). Empty below 6 values (no such k).
inline std::pair<double, double> median_interval(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  double tail = 0, p = 1.0 / static_cast<double>(1ull << std::min<std::size_t>(n, 62));
  std::size_t k = 0; // x(k+1) is the lower bound (0-based index k)
  for (std::size_t i = 0; i < n; ++i) {
    tail += p;        // P(X <= i)
    if (tail > 0.025) // P(X < i + 1) > 2.5%: x(i+1) is too far in
      break;
    k = i + 1;
    p = p * static_cast<double>(n - i) / static_cast<double>(i + 1);
  }
  if (k == 0 || n < 6)
    return {0, 0};
  return {v[k - 1], v[n - k]};
}

inline std::string spread(const std::vector<double> &v, const char *fmt) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[96];
  std::snprintf(buf, sizeof(buf), fmt, median(v), *lo, *hi);
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
