#include "data_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include <linux/magic.h>

#include "crc32c.h"
#include "error.h"
#include "interrupt.h"

namespace zc::workloads {

namespace {

// xorshift64*: fast, seedable, good enough to defeat compression and dedup.
class Random {
public:
  explicit Random(std::uint64_t seed) : s_(seed ? seed : 0x9e3779b97f4a7c15ull) {}
  std::uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545f4914f6cdd1dull;
  }

private:
  std::uint64_t s_;
};

} // namespace

UnnamedFile::UnnamedFile(const std::string &dir, const std::string &what) {
  // O_TMPFILE: ext4, xfs, btrfs, tmpfs and f2fs make one; a filesystem that
  // cannot says EOPNOTSUPP (EISDIR before the kernel knew the flag).
  fd_.reset(open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd_.get() < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR)
      throw Error("cannot make the " + what + " in " + dir +
                      ": its filesystem cannot make unnamed files (O_TMPFILE); choose another "
                      "--dir",
                  kExitUsage);
    throw_errno("make the " + what + " in " + dir);
  }
  path_ = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd_.get());
}

std::string UnnamedFile::filesystem() const {
  struct statfs st {};
  if (fstatfs(fd_.get(), &st) != 0)
    return "unknown";
  switch (static_cast<unsigned long>(st.f_type)) {
  case EXT4_SUPER_MAGIC:
    return "ext4"; // also ext2/ext3: they share the magic
  case TMPFS_MAGIC:
    return "tmpfs";
  case XFS_SUPER_MAGIC:
    return "xfs";
  case BTRFS_SUPER_MAGIC:
    return "btrfs";
  case OVERLAYFS_SUPER_MAGIC:
    return "overlayfs";
  default: {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%lx", static_cast<unsigned long>(st.f_type));
    return buf;
  }
  }
}

FileId UnnamedFile::id() const {
  struct stat st {};
  if (fstat(fd_.get(), &st) != 0)
    throw_errno("stat " + path_);
  return {(major(st.st_dev) << 20) | minor(st.st_dev), st.st_ino};
}

void UnnamedFile::make_read_only() {
  const int ro = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (ro < 0)
    throw_errno("reopen " + path_ + " read-only");
  const Fd reopened(ro);
  if (dup3(ro, fd_.get(), O_CLOEXEC) < 0)
    throw_errno("reopen " + path_ + " read-only");
}

namespace {

// The file's bytes, a megabyte at a time: `each(block, n)` for every block.
template <typename Each> void generate(std::uint64_t seed, std::uint64_t size, Each &&each) {
  Random rng(seed);
  std::vector<std::uint64_t> block(1 << 17); // 1 MiB: about a millisecond a block
  std::uint64_t left = size;
  while (left > 0) {
    if (interrupt_requested())
      throw Interrupted();
    for (auto &w : block)
      w = rng.next();
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size() * 8));
    each(block.data(), n);
    left -= n;
  }
}

} // namespace

DataFile::DataFile(const std::string &dir, std::uint64_t size, std::uint64_t seed)
    : file_(dir, "data file"), size_(size), seed_(seed) {
  Crc32c crc;
  generate(seed, size, [&](const void *block, std::size_t n) {
    crc.update(block, n);
    write_all(file_.fd(), block, n, "write the data file");
  });
  if (fsync(file_.fd()) != 0)
    throw_errno("fsync the data file");
  crc_ = crc.value();
  // Nothing writes it from here on, and an open writer would make the
  // kernel refuse a workload a read lease (F_SETLEASE: EAGAIN).
  file_.make_read_only();
}

std::uint32_t DataFile::crc32c_of_first(std::uint64_t n) const {
  if (n >= size_)
    return crc_;
  Crc32c crc;
  generate(seed_, n, [&](const void *block, std::size_t len) { crc.update(block, len); });
  return crc.value();
}

FileDigest digest_of(int fd) {
  std::vector<char> block(1 << 20);
  Crc32c crc;
  FileDigest d;
  while (true) {
    const ssize_t n = pread(fd, block.data(), block.size(), static_cast<off_t>(d.bytes));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read the file back");
    if (n == 0)
      break;
    crc.update(block.data(), static_cast<std::size_t>(n));
    d.bytes += static_cast<std::uint64_t>(n);
  }
  d.crc32c = crc.value();
  return d;
}

} // namespace zc::workloads
