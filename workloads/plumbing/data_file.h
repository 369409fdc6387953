// The file a run moves: random bytes from a seeded generator, written and
// synced before the run so that no writeback happens during it. Its CRC32C
// is what the sink must reproduce.
//
// The file never has a name: it is made with O_TMPFILE in the run's folder,
// so nothing can be planted where it is created, and nothing is left when
// zctrace ends, however it ends (SIGKILL included): the kernel frees an
// unnamed inode with its last descriptor. The workload processes open it
// through the creator's /proc/PID/fd link (which reopens the inode itself,
// with the flags each method needs, O_DIRECT included).
#pragma once

#include <cstdint>
#include <string>

#include "io.h"

namespace zc::workloads {

// Which file: st_ino, and st_dev in the kernel's own encoding (MKDEV,
// major << 20 | minor), as BPF programs read it from the superblock.
struct FileId {
  std::uint32_t kernel_dev = 0;
  std::uint64_t ino = 0;
};

// An empty file with no name in `dir`, open read-write. `what` names it in
// errors ("data file", "copy destination").
class UnnamedFile {
public:
  UnnamedFile(const std::string &dir, const std::string &what);

  int fd() const { return fd_.get(); }
  // A path any process of this machine can open it by while its creator
  // lives: /proc/PID/fd/N.
  const std::string &path() const { return path_; }
  std::string filesystem() const; // "ext4", "tmpfs", ... of the file's filesystem
  FileId id() const;
  // Keeps the file open read-only from now on, under the same descriptor
  // number (so path() still names it).
  void make_read_only();

private:
  Fd fd_;
  std::string path_;
};

// The length and CRC32C of what an open file holds, read with pread().
struct FileDigest {
  std::uint64_t bytes = 0;
  std::uint32_t crc32c = 0;
};
FileDigest digest_of(int fd);

class DataFile {
public:
  // An interrupt (SIGINT, SIGTERM, SIGHUP) is honoured between megabytes
  // of the fill: the constructor throws Interrupted within milliseconds.
  DataFile(const std::string &dir, std::uint64_t size, std::uint64_t seed);

  const std::string &path() const { return file_.path(); }
  std::uint64_t size() const { return size_; }
  std::uint32_t crc32c() const { return crc_; }
  // The CRC32C of the file's first `n` bytes as it was written (generated
  // again from the seed: the file itself may have been cut since).
  std::uint32_t crc32c_of_first(std::uint64_t n) const;
  std::string filesystem() const { return file_.filesystem(); }
  FileId id() const { return file_.id(); }

private:
  UnnamedFile file_;
  std::uint64_t size_;
  std::uint64_t seed_;
  std::uint32_t crc_ = 0;
};

} // namespace zc::workloads
