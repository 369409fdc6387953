// Which of a file's bytes sit in extents it shares with another file (a
// reflink: copy_file_range on XFS or btrfs clones extents instead of copying
// data), by FIEMAP (linux/fiemap.h): the extents flagged
// FIEMAP_EXTENT_SHARED. Read by zctrace itself once the run is over, so the
// traced processes make no call for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace zc::workloads {

struct SharedExtents {
  std::uint64_t file_bytes = 0;   // the file's size
  std::uint64_t shared_bytes = 0; // in extents flagged FIEMAP_EXTENT_SHARED (capped at the size)
};

// The file's shared extents; unset, with `why_not`, when its filesystem
// answers no FIEMAP (tmpfs).
std::optional<SharedExtents> shared_extents(int fd, std::string &why_not);

} // namespace zc::workloads
