#include "harness.h"

#include <algorithm>

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
