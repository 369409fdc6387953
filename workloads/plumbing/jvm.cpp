#include "jvm.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <vector>

#include "error.h"
#include "io.h"
#include "signals.h"

namespace zc::workloads {

namespace {

bool executable(const std::string &path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string java_binary() {
  if (const char *set = std::getenv("ZCTRACE_JAVA"))
    return set;
  for (const char *p : {"/usr/bin/java", "/usr/local/bin/java"})
    if (executable(p))
      return p;
  return "/usr/bin/java";
}

// The installed class beside the binary (BIN/../share/zctrace/java), the
// configured install folder, or the build tree's.
std::string class_dir() {
  std::vector<std::string> dirs;
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    std::string exe(self, static_cast<std::size_t>(n));
    const auto slash = exe.rfind('/');
    if (slash != std::string::npos)
      dirs.push_back(exe.substr(0, slash) + "/../share/zctrace/java");
  }
  dirs.push_back(ZCTRACE_JAVA_INSTALL_DIR);
  dirs.push_back(ZCTRACE_JAVA_BUILD_DIR);
  for (const std::string &d : dirs) {
    struct stat st {};
    if (stat((d + "/ZcJavaSource.class").c_str(), &st) == 0 && S_ISREG(st.st_mode))
      return d;
  }
  return {};
}

} // namespace

std::string jvm_unavailable_reason() {
  const std::string java = java_binary();
  if (!executable(java))
    return "no JVM at " + java + " (Debian's openjdk-17-jdk-headless provides one)";
  if (class_dir().empty())
    return "ZcJavaSource.class was not built (javac was not found when zctrace was built)";
  return {};
}

void run_java_source(const SourceContext &ctx, const char *mode) {
  const std::string java = java_binary();
  const std::string dir = class_dir();
  if (dir.empty() || !executable(java))
    throw Error(jvm_unavailable_reason());
  const std::string port = std::to_string(ctx.port);
  const std::string chunk = std::to_string(ctx.chunk);
  // -XX:-UsePerfData: no /tmp/hsperfdata_USER/PID file, which a JVM
  // killed by a signal would leave behind.
  std::vector<const char *> argv = {
      "java",           "-XX:-UsePerfData",  "-cp",        dir.c_str(),   "ZcJavaSource", mode,
      ctx.path.c_str(), ctx.address.c_str(), port.c_str(), chunk.c_str(), nullptr};
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  Fd out_r(out[0]), out_w(out[1]);
  const pid_t child = fork();
  if (child < 0)
    throw_errno("fork the JVM");
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out_w.get(), STDOUT_FILENO);
    dup2(out_w.get(), STDERR_FILENO);
    execv(java.c_str(), const_cast<char *const *>(argv.data()));
    _exit(127);
  }
  out_w.reset();
  // Its output: "sent N", or what went wrong. No call is noted: the JVM,
  // accounted with the source, makes calls no count here could see, so a
  // count of the source's own would not be the role's.
  std::string said;
  char buf[4096];
  while (true) {
    const ssize_t n = read(out_r.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (said.size() < 65536)
      said.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  while (!said.empty() && said.back() == '\n')
    said.pop_back();
  const std::string last =
      said.substr(said.rfind('\n') == std::string::npos ? 0 : said.rfind('\n') + 1);
  if (WIFSIGNALED(status)) {
    ctx.reporter->died("source's child (java)", child, WTERMSIG(status), WCOREDUMP(status));
    throw Error("the JVM (pid " + std::to_string(child) + ") was killed by " +
                signal_name(WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("the JVM failed (" +
                (WEXITSTATUS(status) == 127
                     ? "cannot run " + java
                     : "exit status " + std::to_string(WEXITSTATUS(status))) +
                "): " + last);
  if (last.rfind("sent ", 0) != 0)
    throw Error("the JVM did not say what it sent: " + last);
  ctx.reporter->report("java.sent_bytes", std::stoull(last.substr(5)));
}

} // namespace zc::workloads
