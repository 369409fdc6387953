// The guest's initramfs: static busybox, a static zctrace, the kernel
// modules the guest needs (with their dependencies, decompressed, in load
// order), any host programs it asks for with their shared libraries,
// /boot/config-<release>, the target's command and /init.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kernels.h"

namespace zc::vmtest {

struct GuestImage {
  std::filesystem::path busybox; // must be statically linked
  std::filesystem::path zctrace; // must be statically linked
  KernelFiles kernel;
  std::vector<std::string> modules; // wanted, by name; built-in ones are skipped
  // Host programs placed at the same paths, with the libraries the host's
  // loader lists for them.
  std::vector<std::filesystem::path> programs;
  std::string command;
};

struct InitramfsContents {
  std::vector<std::string> modules; // files, in load order
  std::vector<std::string> missing; // wanted, neither module nor built in
};

InitramfsContents build_initramfs(const GuestImage &image, const std::filesystem::path &out);

// Is this ELF executable free of a program interpreter (statically linked)?
bool is_static_executable(const std::filesystem::path &path);

} // namespace zc::vmtest
