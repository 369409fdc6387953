// The file a run moves: random bytes from a seeded generator, written and
// synced before the run so that no writeback happens during it, removed when
// the run ends. Its CRC32C is what the sink must reproduce.
#pragma once

#include <cstdint>
#include <string>

namespace zc::workloads {

// Which file: st_ino, and st_dev in the kernel's own encoding (MKDEV,
// major << 20 | minor), as BPF programs read it from the superblock.
struct FileId {
  std::uint32_t kernel_dev = 0;
  std::uint64_t ino = 0;
};

class DataFile {
public:
  DataFile(const std::string &dir, std::uint64_t size, std::uint64_t seed);
  ~DataFile();
  DataFile(const DataFile &) = delete;
  DataFile &operator=(const DataFile &) = delete;

  const std::string &path() const { return path_; }
  std::uint64_t size() const { return size_; }
  std::uint32_t crc32c() const { return crc_; }
  std::string filesystem() const; // "ext4", "tmpfs", ... of the file's filesystem
  FileId id() const;

private:
  std::string path_;
  std::uint64_t size_;
  std::uint32_t crc_ = 0;
};

} // namespace zc::workloads
