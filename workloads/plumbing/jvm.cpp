#include "jvm.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

#include "child_output.h"
#include "error.h"
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
  // -XX:-UsePerfData: no /tmp/hsperfdata_USER/PID file, which a JVM
  // killed by a signal would leave behind.
  // Its output: "sent N", or what went wrong. No call is noted: the JVM,
  // accounted with the source, makes calls no count here could see, so a
  // count of the source's own would not be the role's.
  const ChildOutput jvm =
      run_collecting(java, {"java", "-XX:-UsePerfData", "-cp", dir, "ZcJavaSource", mode, ctx.path,
                            ctx.address, std::to_string(ctx.port), std::to_string(ctx.chunk)});
  const std::string last = jvm.last_line();
  if (WIFSIGNALED(jvm.status)) {
    ctx.reporter->died("source's child (java)", jvm.pid, WTERMSIG(jvm.status),
                       WCOREDUMP(jvm.status));
    throw Error("the JVM (pid " + std::to_string(jvm.pid) + ") was killed by " +
                signal_name(WTERMSIG(jvm.status)));
  }
  if (!WIFEXITED(jvm.status) || WEXITSTATUS(jvm.status) != 0)
    throw Error("the JVM failed (" +
                (WEXITSTATUS(jvm.status) == 127
                     ? "cannot run " + java
                     : "exit status " + std::to_string(WEXITSTATUS(jvm.status))) +
                "): " + last);
  if (last.rfind("sent ", 0) != 0)
    throw Error("the JVM did not say what it sent: " + last);
  ctx.reporter->report("java.sent_bytes", std::stoull(last.substr(5)));
}

} // namespace zc::workloads
