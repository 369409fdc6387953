#include "page_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "error.h"
#include "io.h"

namespace zc::workloads {

std::uint64_t page_count(std::uint64_t size) {
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page;
}

std::uint64_t resident_pages(const std::string &path, std::uint64_t size) {
  const Mapping map(path, size);
  std::vector<unsigned char> vec(page_count(size));
  if (mincore(map.data(), size, vec.data()) != 0)
    throw_errno("mincore " + path);
  std::uint64_t n = 0;
  for (unsigned char v : vec)
    n += v & 1;
  return n;
}

std::uint64_t prepare_cache(const std::string &path, std::uint64_t size, CacheMode mode) {
  Fd fd = open_file(path, O_RDONLY);
  if (mode == CacheMode::Cold) {
    if (fdatasync(fd.get()) != 0)
      throw_errno("fdatasync " + path);
    const int rc = posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
    if (rc != 0) {
      errno = rc;
      throw_errno("drop the page cache of " + path);
    }
  } else if (resident_pages(path, size) < page_count(size)) {
    std::vector<char> buf(1 << 20);
    while (true) {
      const ssize_t n = read(fd.get(), buf.data(), buf.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw_errno("read " + path);
      if (n == 0)
        break;
    }
  }
  return resident_pages(path, size);
}

} // namespace zc::workloads
