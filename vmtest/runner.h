// Runs vmtest.toml targets: resolve the kernel, build the guest (initramfs
// and disk), boot, run the command, bring its files back. Exit status as
// danobi/vmtest's: one target -> the command's own status, or EX_UNAVAILABLE
// (69) when the VM itself failed; several -> how many failed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "frames.h"
#include "kernels.h"

namespace zc::vmtest {

inline constexpr int kExitVmFailed = 69; // EX_UNAVAILABLE, as vmtest

struct RunnerOptions {
  std::filesystem::path cache_dir;
  std::filesystem::path out_dir;       // <out>/<target>/: console.log and the guest's files
  std::filesystem::path guest_zctrace; // static zctrace for the guest
  std::filesystem::path busybox = "/bin/busybox";
  bool kvm = false;
  std::optional<double> timeout_s; // overrides the targets' own
};

struct TargetResult {
  std::string name;
  std::string kernel_release;
  std::string kernel_package;
  bool vm_ok = false;  // booted, ran the command, sent everything back
  int exit_code = 0;   // the command's, when vm_ok
  std::string failure; // one line, when !vm_ok
  std::optional<double> boot_s;
  std::optional<double> command_s;
  double total_s = 0;
  std::vector<GuestFile> files;
  std::string command_output;
  std::filesystem::path console_log;
  std::vector<std::string> missing_modules;
};

// Never throws for a failure of the VM or its kernel: that is a result.
TargetResult run_target(const Target &target, const RunnerOptions &options, KernelCache &cache);

int exit_status(const std::vector<TargetResult> &results);

// The static zctrace built next to this binary (zctrace-static).
std::filesystem::path default_guest_zctrace();

} // namespace zc::vmtest
