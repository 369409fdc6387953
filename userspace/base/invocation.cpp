#include "invocation.h"

#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "version.h"

namespace zc {

namespace {

struct Invocation {
  std::vector<std::string> argv;
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
};

Invocation &invocation() {
  static Invocation i;
  return i;
}

std::string utc_iso8601(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

} // namespace

void record_invocation(int argc, const char *const *argv) {
  Invocation &i = invocation();
  i.started = std::chrono::system_clock::now();
  i.argv.assign(argv, argv + argc);
}

nlohmann::json invocation_json() {
  const Invocation &i = invocation();
  utsname u{};
  const bool named = uname(&u) == 0;
  return {{"zctrace", zctrace_version()},
          {"git", git_description()},
          {"command_line", i.argv},
          {"started_at", utc_iso8601(i.started)},
          {"host", named ? nlohmann::json(u.nodename) : nlohmann::json()},
          {"kernel", named ? nlohmann::json(u.release) : nlohmann::json()}};
}

} // namespace zc
