#include "data_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <linux/magic.h>

#include "crc32c.h"
#include "error.h"
#include "io.h"

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

DataFile::DataFile(const std::string &dir, std::uint64_t size, std::uint64_t seed) : size_(size) {
  std::string templ = dir + "/zctrace-data-XXXXXX";
  const int raw = mkostemp(templ.data(), O_CLOEXEC);
  if (raw < 0)
    throw_errno("create a data file in " + dir);
  path_ = templ;
  Fd fd(raw);
  try {
    Random rng(seed);
    Crc32c crc;
    std::vector<std::uint64_t> block(1 << 17); // 1 MiB
    std::uint64_t left = size;
    while (left > 0) {
      for (auto &w : block)
        w = rng.next();
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size() * 8));
      crc.update(block.data(), n);
      write_all(fd.get(), block.data(), n, ("write " + path_).c_str());
      left -= n;
    }
    if (fsync(fd.get()) != 0)
      throw_errno("fsync " + path_);
    crc_ = crc.value();
  } catch (...) {
    unlink(path_.c_str());
    throw;
  }
}

DataFile::~DataFile() {
  if (!path_.empty())
    unlink(path_.c_str());
}

std::string DataFile::filesystem() const {
  struct statfs st {};
  if (statfs(path_.c_str(), &st) != 0)
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

FileId DataFile::id() const {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0)
    throw_errno("stat " + path_);
  return {(major(st.st_dev) << 20) | minor(st.st_dev), st.st_ino};
}

} // namespace zc::workloads
