#include "uncached.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "error.h"
#include "io.h"

namespace zc::workloads {

ssize_t read_uncached(int fd, void *buf, std::size_t len) {
  iovec iov{buf, len};
  return preadv2(fd, &iov, 1, -1, kRwfDontcache); // -1: the current offset, advanced
}

namespace {

std::string probe_uncached_reads(const std::string &dir) {
  // An unnamed file: nothing to clean up, nothing to plant a link at.
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return "cannot make a file in " + dir + " to try uncached reads: " + errno_text(errno);
  const Fd file(fd);
  std::vector<char> page(4096, 'z');
  if (pwrite(fd, page.data(), page.size(), 0) != static_cast<ssize_t>(page.size()))
    return "cannot write a file in " + dir + " to try uncached reads: " + errno_text(errno);
  iovec iov{page.data(), page.size()};
  if (preadv2(fd, &iov, 1, 0, kRwfDontcache) >= 0)
    return {};
  if (errno == EOPNOTSUPP)
    return "preadv2(RWF_DONTCACHE) in " + dir +
           " fails with EOPNOTSUPP: this kernel (before 6.14) or this filesystem has no uncached "
           "buffered I/O";
  return "preadv2(RWF_DONTCACHE) in " + dir + ": " + errno_text(errno);
}

} // namespace

std::string uncached_reads_unavailable(const std::string &dir) {
  // Asked before every run and timed pass: probed once per directory.
  static std::map<std::string, std::string> answers;
  const auto it = answers.find(dir);
  return it != answers.end() ? it->second : answers[dir] = probe_uncached_reads(dir);
}

} // namespace zc::workloads
