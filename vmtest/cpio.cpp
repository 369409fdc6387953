#include "cpio.h"

#include <sys/stat.h>

#include <cstdio>

namespace zc::vmtest {

void CpioWriter::entry(const std::string &path, std::uint32_t mode, std::string_view data) {
  char header[111];
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
  // rdevmajor, rdevminor, namesize, check: all 8 hex digits.
  std::snprintf(header, sizeof(header),
                "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", next_ino_++, mode,
                0u, 0u, 1u, 0u, data.size(), 0u, 0u, 0u, 0u, path.size() + 1, 0u);
  out_.append(header, 110);
  out_.append(path);
  out_.push_back('\0');
  out_.append((4 - out_.size() % 4) % 4, '\0');
  out_.append(data);
  out_.append((4 - out_.size() % 4) % 4, '\0');
}

void CpioWriter::directory(const std::string &path, std::uint32_t mode) {
  entry(path, S_IFDIR | mode, {});
}

void CpioWriter::file(const std::string &path, std::string_view data, std::uint32_t mode) {
  entry(path, S_IFREG | mode, data);
}

void CpioWriter::symlink(const std::string &path, const std::string &target) {
  entry(path, S_IFLNK | 0777, target);
}

const std::string &CpioWriter::finish() {
  entry("TRAILER!!!", 0, {});
  return out_;
}

} // namespace zc::vmtest
