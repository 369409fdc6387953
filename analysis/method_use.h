// Which copy method a program really uses: its data-moving syscalls, by the
// descriptors they used (zc_flows), grouped per process into read+write,
// mmap+write, sendfile, splice, io_uring, libaio, ... A write whose user
// buffer lies in a mapping of a file comes from that file (the BPF side
// looks the buffer's address up), whatever else is mapped. Sockets are told
// apart by kind only (a server's thousands of connections make one row),
// files by inode. Where the pairing cannot be told, each side is shown
// alone.
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
  std::uint64_t ino = 0;          // 0: any of `objects` of this kind
  std::uint32_t objects = 1;      // files (inodes) this side stands for
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

// Small reads (of config files, libraries' headers: under 64 KiB a row,
// and rows that moved nothing) folded into one row per process, and rows of
// one process with the same method and kinds merged: what the terminal
// shows. The JSON keeps every row.
std::vector<MethodUse> fold_for_display(const std::vector<MethodUse> &uses);
inline constexpr std::uint64_t kSmallRead = 64 << 10;

std::string fd_kind_name(std::uint8_t kind); // "file", "socket", "pipe", ...
std::string describe(const FdRef &fd);       // "fd 3 (file, inode 1234)", "3 files", "sockets"

nlohmann::json to_json(const MethodUse &use);
std::string render_method_uses(const std::vector<MethodUse> &uses);

} // namespace zc::analysis
