#include "syscall_names.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace zc {

namespace {

struct Row {
  std::uint32_t nr;
  const char *name;
};

const Row kTable[] = {
#include "syscall_table.inc"
};

const std::unordered_map<std::uint32_t, std::string_view> &by_number() {
  static const auto table = [] {
    std::unordered_map<std::uint32_t, std::string_view> m;
    for (const Row &r : kTable)
      m.emplace(r.nr, r.name);
    return m;
  }();
  return table;
}

} // namespace

std::string syscall_name(std::uint32_t nr) {
  const auto &table = by_number();
  if (auto it = table.find(nr); it != table.end())
    return std::string(it->second);
  return "syscall_" + std::to_string(nr);
}

std::uint32_t syscall_number(std::string_view name) {
  for (const Row &r : kTable)
    if (name == r.name)
      return r.nr;
  return 0xffffffffu;
}

bool syscall_returns_bytes(std::uint32_t nr) {
  // sendmmsg/recvmmsg return message counts, not bytes: not here.
  static constexpr std::array<std::string_view, 20> kByteCounters = {
      "read",     "write",   "pread64", "pwrite64",        "readv",
      "writev",   "preadv",  "pwritev", "preadv2",         "pwritev2",
      "sendfile", "splice",  "tee",     "vmsplice",        "sendto",
      "recvfrom", "sendmsg", "recvmsg", "copy_file_range", "process_vm_readv"};
  const auto &table = by_number();
  auto it = table.find(nr);
  return it != table.end() &&
         std::find(kByteCounters.begin(), kByteCounters.end(), it->second) != kByteCounters.end();
}

} // namespace zc
