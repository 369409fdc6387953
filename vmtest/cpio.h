// A cpio archive in the "newc" format, the one the kernel unpacks as an
// initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zc::vmtest {

class CpioWriter {
public:
  void directory(const std::string &path, std::uint32_t mode = 0755);
  void file(const std::string &path, std::string_view data, std::uint32_t mode = 0644);
  void symlink(const std::string &path, const std::string &target);
  // Appends the trailer; the archive is complete afterwards.
  const std::string &finish();

private:
  void entry(const std::string &path, std::uint32_t mode, std::string_view data);
  std::string out_;
  std::uint32_t next_ino_ = 1;
};

} // namespace zc::vmtest
