#include "extents.h"

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "error.h"

namespace zc::workloads {

std::optional<SharedExtents> shared_extents(int fd, std::string &why_not) {
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    why_not = "fstat: " + errno_text(errno);
    return std::nullopt;
  }
  SharedExtents out;
  out.file_bytes = static_cast<std::uint64_t>(st.st_size);
  constexpr std::uint32_t kBatch = 256;
  std::vector<char> buf(sizeof(fiemap) + kBatch * sizeof(fiemap_extent));
  auto *map = reinterpret_cast<fiemap *>(buf.data());
  std::uint64_t start = 0;
  while (start < out.file_bytes) {
    std::fill(buf.begin(), buf.end(), 0);
    map->fm_start = start;
    map->fm_length = out.file_bytes - start;
    // No FIEMAP_FLAG_SYNC: extents a reflink shares are on disk already, and
    // flushing a written copy that is about to be removed only costs time.
    map->fm_flags = 0;
    map->fm_extent_count = kBatch;
    if (ioctl(fd, FS_IOC_FIEMAP, map) != 0) {
      why_not = "FS_IOC_FIEMAP: " + errno_text(errno);
      return std::nullopt;
    }
    if (map->fm_mapped_extents == 0)
      break; // a hole to the end
    bool last = false;
    for (std::uint32_t i = 0; i < map->fm_mapped_extents; ++i) {
      const fiemap_extent &e = map->fm_extents[i];
      if (e.fe_flags & FIEMAP_EXTENT_SHARED) {
        const std::uint64_t end =
            std::min<std::uint64_t>(e.fe_logical + e.fe_length, out.file_bytes);
        if (end > e.fe_logical)
          out.shared_bytes += end - e.fe_logical;
      }
      start = e.fe_logical + e.fe_length;
      last = last || (e.fe_flags & FIEMAP_EXTENT_LAST);
    }
    if (last)
      break;
  }
  out.shared_bytes = std::min(out.shared_bytes, out.file_bytes);
  return out;
}

} // namespace zc::workloads
