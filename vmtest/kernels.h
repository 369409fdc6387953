// Kernels to boot: Debian's packages, fetched with `apt-get download`,
// unpacked with `dpkg-deb -x` and kept in a cache outside the repository,
// or a vmlinuz given by path (its modules and config are looked for where an
// unpacked package would have them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace zc::vmtest {

struct KernelFiles {
  std::filesystem::path vmlinuz;
  std::string release;                          // "6.12.117+deb12-cloud-amd64"
  std::optional<std::filesystem::path> modules; // lib/modules/<release>
  std::optional<std::filesystem::path> config;  // boot/config-<release>
  std::string package;                          // empty when given by path
};

// Default cache: $ZCTRACE_CACHE, else /var/cache/zctrace.
std::filesystem::path default_cache_dir();

class KernelCache {
public:
  explicit KernelCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path &dir() const { return dir_; }

  // The newest package apt knows matching `glob` (or, offline, the newest
  // already in the cache), fetched and unpacked if it is not cached yet.
  // Throws zc::Error naming the package and apt's reason.
  KernelFiles package(const std::string &glob);

private:
  std::filesystem::path dir_;
};

// A vmlinuz by path: modules and config are found next to it if it sits in
// an unpacked package (<root>/boot/vmlinuz-<release>).
KernelFiles kernel_at(const std::filesystem::path &vmlinuz);

} // namespace zc::vmtest
