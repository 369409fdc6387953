#include "qemu.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>

#include "error.h"
#include "interrupt.h"
#include "processes.h"
#include "subprocess.h"

namespace zc::vmtest {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kConsoleTail = 40;

std::string read_all(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

fs::path qemu_binary() {
  const fs::path qemu = find_in_path("qemu-system-x86_64");
  if (qemu.empty())
    throw Error("qemu-system-x86_64 not found in PATH: install Debian's qemu-system-x86");
  return qemu;
}

bool is_kernel_trouble(const std::string &line) {
  for (const char *pattern : {"Kernel panic", "BUG: ", "Oops: ", "WARNING: CPU:",
                              "general protection fault", "kernel BUG at", "watchdog: BUG"})
    if (line.find(pattern) != std::string::npos)
      return true;
  return false;
}

std::vector<std::string> qemu_argv(const fs::path &qemu, const VmSpec &s) {
  std::string append = "console=ttyS0 panic=-1 quiet";
  if (!s.kernel_args.empty())
    append += " " + s.kernel_args;
  std::vector<std::string> a = {
      qemu.string(), "-nodefaults", "-machine", "q35", "-cpu", "max", "-accel",
      // One TCG thread for all vCPUs: with one thread per vCPU
      // a vCPU can run a stale translation of kernel text
      // another vCPU just patched (text_poke's int3), and the
      // guest oopses at boot now and then.
      s.kvm ? "kvm" : "tcg,thread=single", "-smp", std::to_string(s.vm.num_cpus), "-m", s.vm.memory,
      "-display", "none", "-monitor", "none", "-no-reboot", "-kernel", s.kernel.vmlinuz.string(),
      "-initrd", s.initramfs.string(), "-append", append, "-serial", "stdio", "-serial",
      "file:" + s.results_log.string()};
  if (s.disk) {
    a.insert(a.end(), {"-drive", "file=" + s.disk->string() + ",if=none,id=zcdisk,format=raw",
                       "-device", "nvme,drive=zcdisk,serial=zctrace"});
  }
  if (s.nics) {
    // Two NICs on one hub: what one transmits, the other receives. The
    // modern-only virtio with iommu_platform makes the guest driver map
    // its buffers through the DMA API, as a real NIC's driver does.
    for (const char *id : {"zcn0", "zcn1"})
      a.insert(a.end(), {"-netdev", std::string("hubport,id=") + id + ",hubid=0", "-device",
                         std::string("virtio-net-pci,netdev=") + id +
                             ",iommu_platform=on,disable-legacy=on"});
  } else {
    a.insert(a.end(), {"-nic", "none"});
  }
  a.insert(a.end(), s.vm.extra_args.begin(), s.vm.extra_args.end());
  return a;
}

VmRun run_vm(const VmSpec &spec) {
  const std::vector<std::string> argv = qemu_argv(qemu_binary(), spec);
  // Not through a link someone planted at the name (O_NOFOLLOW): the
  // results folder may be anywhere the user said.
  const int console_fd =
      open(spec.console_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (console_fd < 0)
    throw_errno("create " + spec.console_log.string());
  const struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } console_file{console_fd};
  fs::remove(spec.results_log);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0)
    throw_errno("fork qemu");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive zctrace
    dup2(out[1], 1);
    dup2(out[1], 2);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    std::vector<char *> args = exec_args(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);

  VmRun run;
  std::deque<std::string> tail;
  std::string partial;
  bool in_command = false;
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto on_line = [&](std::string line) {
    while (!line.empty() && line.back() == '\r')
      line.pop_back();
    const std::string out_line = line + '\n';
    (void)!write(console_file.fd, out_line.data(), out_line.size());
    tail.push_back(line);
    if (tail.size() > kConsoleTail)
      tail.pop_front();
    if (run.kernel_trouble.empty() && is_kernel_trouble(line))
      run.kernel_trouble = line;
    if (line.rfind("zctrace-init: ready", 0) == 0) {
      run.ready_s = seconds();
      in_command = true;
      return;
    }
    if (line.rfind("zctrace-init: command exited", 0) == 0) {
      if (run.ready_s)
        run.command_s = seconds() - *run.ready_s;
      in_command = false;
      return;
    }
    if (in_command)
      run.command_output += line + "\n";
  };

  char buf[65536];
  bool open_pipe = true;
  bool interrupted = false;
  while (open_pipe) {
    const double left = spec.timeout_s - seconds();
    if (left <= 0) {
      run.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    // Ctrl-C or SIGTERM: the guest is stopped now, not at its end (the
    // poll below wakes at least every 0.2 s, and at once on EINTR).
    if (interrupt_requested()) {
      interrupted = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd pfd{out[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min(left, 0.2) * 1000) + 1);
    if (ready < 0 && errno != EINTR)
      break;
    if (ready <= 0)
      continue;
    const ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) {
      open_pipe = false;
      break;
    }
    partial.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      on_line(partial.substr(0, nl));
      partial.erase(0, nl + 1);
    }
  }
  if (!partial.empty())
    on_line(partial);
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (interrupted)
    throw Interrupted();
  run.qemu_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.total_s = seconds();
  run.console_tail.assign(tail.begin(), tail.end());
  run.frames = parse_frames(read_all(spec.results_log));
  return run;
}

} // namespace zc::vmtest
