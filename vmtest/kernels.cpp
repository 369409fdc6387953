#include "kernels.h"

#include <fnmatch.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "error.h"
#include "subprocess.h"

namespace zc::vmtest {

namespace fs = std::filesystem;

namespace {

bool by_version(const std::string &a, const std::string &b) {
  return strverscmp(a.c_str(), b.c_str()) < 0;
}

// Kernel release of an unpacked package: the suffix of boot/vmlinuz-<release>.
std::optional<KernelFiles> unpacked(const fs::path &root) {
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(root / "boot", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("vmlinuz-", 0) == 0)
      return kernel_at(e.path());
  }
  return std::nullopt;
}

std::vector<std::string> apt_packages_matching(const std::string &glob) {
  // apt-cache pkgnames PREFIX lists names from apt's lists; the glob's
  // literal prefix narrows the listing, fnmatch does the rest.
  const std::string prefix = glob.substr(0, glob.find_first_of("*?["));
  const ToolResult r = run_tool({"apt-cache", "pkgnames", prefix});
  std::vector<std::string> names;
  std::istringstream in(r.out);
  for (std::string name; std::getline(in, name);)
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0)
      names.push_back(name);
  std::sort(names.begin(), names.end(), by_version);
  return names;
}

std::vector<std::string> cached_packages_matching(const fs::path &dir, const std::string &glob) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && fnmatch(glob.c_str(), name.c_str(), 0) == 0 && unpacked(e.path()))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end(), by_version);
  return names;
}

} // namespace

fs::path default_cache_dir() {
  const char *env = std::getenv("ZCTRACE_CACHE");
  return env && *env ? fs::path(env) : fs::path("/var/cache/zctrace");
}

KernelFiles kernel_at(const fs::path &vmlinuz) {
  if (!fs::is_regular_file(vmlinuz))
    throw Error("no kernel at " + vmlinuz.string());
  KernelFiles k;
  k.vmlinuz = vmlinuz;
  const std::string name = vmlinuz.filename().string();
  if (name.rfind("vmlinuz-", 0) == 0) {
    k.release = name.substr(8);
    const fs::path root = vmlinuz.parent_path().parent_path();
    if (fs::is_directory(root / "lib/modules" / k.release))
      k.modules = root / "lib/modules" / k.release;
    if (fs::is_regular_file(root / "boot" / ("config-" + k.release)))
      k.config = root / "boot" / ("config-" + k.release);
  }
  return k;
}

KernelFiles KernelCache::package(const std::string &glob) {
  const fs::path kernels = dir_ / "kernels";
  fs::create_directories(kernels);
  std::vector<std::string> names;
  std::string apt_problem;
  try {
    names = apt_packages_matching(glob);
  } catch (const Error &e) {
    apt_problem = e.what();
  }
  if (names.empty()) {
    // Offline, or apt's lists never fetched: use what the cache holds.
    const auto cached = cached_packages_matching(kernels, glob);
    if (!cached.empty())
      names = cached;
    else
      throw Error("cannot fetch a kernel package matching '" + glob + "': " +
                  (apt_problem.empty()
                       ? "apt knows no such package (apt-get update first? Debian 12's "
                         "kernels come from its bookworm-security suite: is it "
                         "in apt's sources?)"
                       : apt_problem));
  }
  const std::string name = names.back();
  const fs::path root = kernels / name;
  if (auto k = unpacked(root)) {
    k->package = name;
    return *k;
  }
  const fs::path download = kernels / (name + ".download");
  fs::remove_all(download);
  fs::create_directories(download);
  run_tool_checked({"apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", name},
                   "cannot fetch kernel package " + name, download);
  fs::path deb;
  for (const auto &e : fs::directory_iterator(download))
    if (e.path().extension() == ".deb")
      deb = e.path();
  if (deb.empty())
    throw Error("cannot fetch kernel package " + name + ": apt-get download left no .deb");
  const fs::path staging = kernels / (name + ".unpack");
  fs::remove_all(staging);
  run_tool_checked({"dpkg-deb", "-x", deb.string(), staging.string()},
                   "cannot unpack " + deb.filename().string());
  fs::remove_all(root);
  fs::rename(staging, root);
  fs::remove_all(download);
  auto k = unpacked(root);
  if (!k)
    throw Error("kernel package " + name + " holds no boot/vmlinuz-*");
  k->package = name;
  return *k;
}

} // namespace zc::vmtest
