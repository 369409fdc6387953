// A process the integration tests start in the background (zctrace, or a
// program beside it) and watch through its output files.
#pragma once

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "processes.h"

namespace zc::test {

// A process in the background, in a process group of its own, with its
// output in files; killed (its whole group) when the test is done with it.
class Background {
public:
  Background(const std::vector<std::string> &argv, const std::filesystem::path &dir) {
    out_ = dir / ("bg-" + std::to_string(count_) + ".out");
    err_ = dir / ("bg-" + std::to_string(count_++) + ".err");
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      const int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      std::vector<char *> args = exec_args(argv);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (!reaped_) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }
  // Waits until its stderr says `what`.
  void wait_for(const std::string &what) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (err().find(what) == std::string::npos) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << err();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

private:
  static std::string slurp(const std::filesystem::path &p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static inline int count_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path out_, err_;
  bool reaped_ = false;
};

} // namespace zc::test
