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

DataFile::DataFile(const std::string &dir, std::uint64_t size, std::uint64_t seed)
    : file_(dir, "data file"), size_(size) {
  Random rng(seed);
  Crc32c crc;
  std::vector<std::uint64_t> block(1 << 17); // 1 MiB: about a millisecond a block
  std::uint64_t left = size;
  while (left > 0) {
    if (interrupt_requested())
      throw Interrupted();
    for (auto &w : block)
      w = rng.next();
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size() * 8));
    crc.update(block.data(), n);
    write_all(file_.fd(), block.data(), n, "write the data file");
    left -= n;
  }
  if (fsync(file_.fd()) != 0)
    throw_errno("fsync the data file");
  crc_ = crc.value();
}

} // namespace zc::workloads
