// A program run to its end with its output (stdout and stderr together)
// collected: the JVM of the Java methods, mkfs for --fs. The child dies with
// its parent (PR_SET_PDEATHSIG), so a killed zctrace leaves none behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace zc::workloads {

struct ChildOutput {
  pid_t pid = 0;
  int status = 0;     // as waitpid() gives it
  std::string output; // its first 64 KiB, trailing newlines removed
  // The output's last line ("" when there was none).
  std::string last_line() const;
};

// Runs `program` (an absolute path, never looked up in PATH) with `argv`
// (argv[0] first) and waits for it. Throws zc::Error only when it cannot be
// started; exit status 127 means exec failed.
ChildOutput run_collecting(const std::string &program, const std::vector<std::string> &argv);

} // namespace zc::workloads
