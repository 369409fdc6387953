// One VM under qemu: boot a kernel with our initramfs, watch its console,
// enforce a wall-clock timeout, and collect what came back on the second
// serial port.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "frames.h"
#include "kernels.h"

namespace zc::vmtest {

struct VmSpec {
  KernelFiles kernel;
  std::filesystem::path initramfs;
  std::optional<std::filesystem::path> disk; // raw image, attached as NVMe
  bool nics = true;                          // two virtio-net NICs joined by a hub
  std::string kernel_args;                   // appended to zctrace's own
  VmSettings vm;
  bool kvm = false; // TCG (software emulation) unless asked
  double timeout_s = 600;
  std::filesystem::path console_log;
  std::filesystem::path results_log;
};

struct VmRun {
  std::optional<double> ready_s;   // qemu start to the guest's "ready" line
  std::optional<double> command_s; // "ready" to "command exited"
  double total_s = 0;
  bool timed_out = false;
  int qemu_status = 0;
  std::string kernel_trouble; // first panic / oops / BUG / WARNING line of the console
  std::string command_output; // console lines between "ready" and "command exited"
  std::vector<std::string> console_tail;
  Frames frames;
};

// Throws zc::Error if qemu-system-x86_64 is not installed.
std::filesystem::path qemu_binary();

std::vector<std::string> qemu_argv(const std::filesystem::path &qemu, const VmSpec &spec);

// Runs the VM to its end or to the timeout (then kills it). Throws when
// qemu cannot be started, and Interrupted (qemu killed and reaped) when
// zctrace is asked to stop.
VmRun run_vm(const VmSpec &spec);

// Does this console line report the kernel in trouble (a panic, an oops, a
// BUG or WARNING splat, BPF's included)?
bool is_kernel_trouble(const std::string &line);

} // namespace zc::vmtest
