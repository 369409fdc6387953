// Which copy method a program really uses: its data-moving syscalls, by the
// descriptors they used (zc_flows), grouped per process and descriptor pair
// into read+write, mmap+write, sendfile, splice, ... Where the pairing cannot
// be told (several sources and several destinations whose byte counts do not
// match), each side is shown alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "counters.h"

namespace zc::analysis {

struct FdRef {
  int fd = -1;
  std::uint8_t kind = ZC_FD_NONE; // zc_fd_kind
  std::uint64_t ino = 0;
};

struct MethodUse {
  std::uint32_t tgid = 0;
  std::string method; // "read+write", "mmap+write", "sendfile", "splice", ...
  std::optional<FdRef> from;
  std::optional<FdRef> to;
  std::map<std::string, std::uint64_t> calls; // syscall name -> calls
  std::uint64_t bytes = 0; // bytes that reached `to` (or left `from` when there is no `to`)
  std::string how;         // why these syscalls were grouped so
  std::string role;        // the process's role ("source", "sink", "program"), or empty
};

// `roles`: the role of each traced process by pid (others are left empty).
std::vector<MethodUse> method_uses(const std::vector<FlowSample> &flows,
                                   const std::map<std::uint32_t, std::string> &roles = {});

std::string fd_kind_name(std::uint8_t kind); // "file", "socket", "pipe", ...
std::string describe(const FdRef &fd);       // "fd 3 (file, inode 1234)"

nlohmann::json to_json(const MethodUse &use);
std::string render_method_uses(const std::vector<MethodUse> &uses);

} // namespace zc::analysis
