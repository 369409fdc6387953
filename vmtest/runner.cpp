#include "runner.h"

#include <unistd.h>

#include <fstream>

#include "error.h"
#include "initramfs.h"
#include "interrupt.h"
#include "output_file.h"
#include "qemu.h"
#include "subprocess.h"

namespace zc::vmtest {

namespace fs = std::filesystem;

namespace {

// Modules the guest loads if they are modules (built-in ones are skipped):
// the PCI transport, the NICs, veth for routes without scatter-gather.
const std::vector<std::string> kGuestModules = {"virtio_pci", "virtio_net", "veth"};

KernelFiles resolve_kernel(const Target &t, KernelCache &cache) {
  if (t.image)
    throw Error("image targets are not supported (zctrace boots a kernel with its own initramfs): "
                "give kernel or kernel_package");
  if (t.kernel_package)
    return cache.package(*t.kernel_package);
  return kernel_at(*t.kernel);
}

void make_disk(const fs::path &path, const std::string &size) {
  fs::remove(path);
  run_tool_checked({"truncate", "-s", size, path.string()}, "cannot create the guest disk");
  run_tool_checked({"mkfs.ext4", "-q", "-F", "-L", "zctrace", path.string()},
                   "cannot make the guest disk ext4 (install e2fsprogs)");
}

std::string describe_failure(const VmRun &run, const Target &t, double timeout) {
  if (run.timed_out)
    return "the VM did not finish within " + std::to_string(static_cast<int>(timeout)) +
           " s and was killed" +
           (run.ready_s ? " (the command hung)" : " (it never finished booting)");
  if (!run.kernel_trouble.empty())
    return "the guest kernel reported: " + run.kernel_trouble;
  if (!run.frames.problem.empty())
    return "the guest's results were damaged: " + run.frames.problem;
  if (!run.frames.exit_code) {
    std::string last = run.console_tail.empty() ? "(no console output)" : run.console_tail.back();
    if (run.qemu_status != 0 && !run.ready_s)
      return "qemu failed (status " + std::to_string(run.qemu_status) + "): " + last;
    return "the guest stopped before sending its end marker (crashed?); last console line: " + last;
  }
  (void)t;
  return "";
}

} // namespace

fs::path default_guest_zctrace() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return self.parent_path() / "zctrace-static";
}

TargetResult run_target(const Target &t, const RunnerOptions &o, KernelCache &cache) {
  TargetResult r;
  r.name = t.name;
  const double timeout = o.timeout_s.value_or(t.timeout_s);
  const fs::path out = o.out_dir / t.name;
  try {
    qemu_binary();
    const KernelFiles kernel = resolve_kernel(t, cache);
    r.kernel_release = kernel.release;
    r.kernel_package = kernel.package;
    fs::create_directories(out);
    const fs::path work = cache.dir() / "work" / (t.name + "." + std::to_string(getpid()));
    fs::create_directories(work);
    struct Cleanup {
      fs::path dir;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    } cleanup{work};

    std::vector<std::string> modules = kGuestModules;
    modules.insert(modules.end(), t.modules.begin(), t.modules.end());
    const InitramfsContents contents =
        build_initramfs({o.busybox, o.guest_zctrace, kernel, modules, t.programs, t.command},
                        work / "initramfs.cpio");
    r.missing_modules = contents.missing;
    make_disk(work / "disk.img", t.disk_size);

    VmSpec spec;
    spec.kernel = kernel;
    spec.initramfs = work / "initramfs.cpio";
    spec.disk = work / "disk.img";
    spec.nics = t.nics;
    spec.kernel_args = t.kernel_args;
    spec.vm = t.vm;
    spec.kvm = o.kvm;
    spec.timeout_s = timeout;
    spec.console_log = out / "console.log";
    spec.results_log = work / "results.txt";
    r.console_log = spec.console_log;
    const VmRun run = run_vm(spec);
    r.boot_s = run.ready_s;
    r.command_s = run.command_s;
    r.total_s = run.total_s;
    r.command_output = run.command_output;
    r.files = run.frames.files;
    for (const GuestFile &f : r.files)
      write_file_atomically((out / f.name).string(), f.data); // never through a planted link
    r.failure = describe_failure(run, t, timeout);
    r.vm_ok = r.failure.empty();
    if (r.vm_ok)
      r.exit_code = *run.frames.exit_code;
  } catch (const Interrupted &) {
    throw; // the caller stops; the work folder is removed on the way out
  } catch (const std::exception &e) {
    r.vm_ok = false;
    r.failure = describe(e).message;
  }
  return r;
}

int exit_status(const std::vector<TargetResult> &results) {
  if (results.size() == 1)
    return results[0].vm_ok ? results[0].exit_code : kExitVmFailed;
  int failed = 0;
  for (const auto &r : results)
    failed += !r.vm_ok || r.exit_code != 0;
  return failed;
}

} // namespace zc::vmtest
