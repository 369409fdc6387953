// vmtest.toml, in the schema of danobi/vmtest: an array [[target]] of
// name, kernel (a vmlinuz) or image, kernel_args, command, and an optional
// [target.vm] table of num_cpus, memory and extra_args. Unknown keys are
// ignored; relative paths are relative to the file's folder.
//
// zctrace's own keys (ignored by vmtest, which ignores unknown keys too):
//   kernel_package  a Debian package (shell glob allowed, the newest match
//                   wins) fetched with apt-get download and used for kernel,
//                   modules and config, e.g. "linux-image-6.1.0-*-cloud-amd64-unsigned"
//   timeout         seconds of wall clock before the VM is killed (default 600)
//   nics            two emulated NICs joined to each other (default true)
//   disk_size       size of the ext4 NVMe disk (default "1G")
//   modules         kernel modules the guest loads besides its own (the
//                   PCI transport, the NICs, veth), e.g. ["loop", "xfs"]
//   programs        host programs copied into the guest at the same paths,
//                   with the shared libraries the host's loader lists, e.g.
//                   ["/usr/sbin/mkfs.xfs"] for zctrace run --fs
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zc::vmtest {

struct VmSettings {
  int num_cpus = 2;
  std::string memory = "4G";
  std::vector<std::string> extra_args;
};

struct Target {
  std::string name;
  std::optional<std::filesystem::path> kernel;
  std::optional<std::string> kernel_package;
  std::optional<std::filesystem::path> image;
  std::string kernel_args;
  std::string command;
  VmSettings vm;
  double timeout_s = 600;
  bool nics = true;
  std::string disk_size = "1G";
  std::vector<std::string> modules;
  std::vector<std::filesystem::path> programs; // absolute
};

struct Config {
  std::filesystem::path file;
  std::vector<Target> targets;
};

// Throws UsageError "FILE: ..." with the line of a syntax error, or the
// target and key at fault.
Config load_config(const std::filesystem::path &file);
Config parse_config(std::string_view text, const std::filesystem::path &base,
                    const std::string &source_name);

// The targets whose name matches `regex` (partial match, like vmtest -f).
// Throws UsageError if the regex is bad or matches no target.
std::vector<const Target *> select_targets(const Config &config, const std::string &regex);

} // namespace zc::vmtest
