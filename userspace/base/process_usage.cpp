#include "process_usage.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace zc {

namespace {

std::uint64_t ns_of(const timeval &tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(tv.tv_usec) * 1000ull;
}

std::string read_text(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint64_t minus(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; }

} // namespace

ProcessUsage usage_of(const rusage &ru) {
  return {ns_of(ru.ru_utime),
          ns_of(ru.ru_stime),
          static_cast<std::uint64_t>(ru.ru_minflt),
          static_cast<std::uint64_t>(ru.ru_majflt),
          static_cast<std::uint64_t>(ru.ru_nvcsw),
          static_cast<std::uint64_t>(ru.ru_nivcsw)};
}

ProcessUsage proc_usage(pid_t pid) {
  ProcessUsage u;
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close_paren = stat.rfind(')');
  if (close_paren != std::string::npos) {
    std::istringstream fields(stat.substr(close_paren + 2));
    std::vector<std::string> f;
    for (std::string s; fields >> s;)
      f.push_back(s);
    // Fields after the command, from 3 (state): minflt 10, majflt 12, utime 14, stime 15.
    if (f.size() > 12) {
      const auto tick_ns = 1000000000ull / static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
      u.minor_faults = std::stoull(f[10 - 3]);
      u.major_faults = std::stoull(f[12 - 3]);
      u.user_ns = std::stoull(f[14 - 3]) * tick_ns;
      u.sys_ns = std::stoull(f[15 - 3]) * tick_ns;
    }
  }
  std::istringstream status(read_text("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
      u.voluntary_switches = std::stoull(line.substr(line.find(':') + 1));
    else if (line.rfind("nonvoluntary_ctxt_switches:", 0) == 0)
      u.involuntary_switches = std::stoull(line.substr(line.find(':') + 1));
  }
  return u;
}

std::optional<ProcessIo> proc_io(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/io");
  if (!in)
    return std::nullopt;
  ProcessIo io;
  bool any = false;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    const std::string key = line.substr(0, colon);
    const std::uint64_t value = std::stoull(line.substr(colon + 1));
    any = true;
    if (key == "rchar")
      io.rchar = value;
    else if (key == "wchar")
      io.wchar = value;
    else if (key == "syscr")
      io.syscr = value;
    else if (key == "syscw")
      io.syscw = value;
    else if (key == "read_bytes")
      io.read_bytes = value;
    else if (key == "write_bytes")
      io.write_bytes = value;
  }
  if (!any)
    return std::nullopt;
  return io;
}

ProcessUsage usage_since(const ProcessUsage &now, const ProcessUsage &base) {
  return {minus(now.user_ns, base.user_ns),
          minus(now.sys_ns, base.sys_ns),
          minus(now.minor_faults, base.minor_faults),
          minus(now.major_faults, base.major_faults),
          minus(now.voluntary_switches, base.voluntary_switches),
          minus(now.involuntary_switches, base.involuntary_switches)};
}

} // namespace zc
