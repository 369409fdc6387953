// zctrace vmtest and zctrace matrix against real Debian kernels under qemu
// (TCG): the CI smoke of the matrix, and every way a target can go wrong
// ending in one clear line and the right exit status, never a hang.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "kernels.h"
#include "subprocess.h"

namespace zc::vmtest {
namespace {

namespace fs = std::filesystem;

const char *const kKernel612 = "linux-image-6.12.*+deb12-cloud-amd64-unsigned";

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("zctrace-vm-" + std::to_string(getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  fs::path write(const std::string &name, const std::string &text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
};

std::string target(const std::string &name, const std::string &command,
                   const std::string &extra = "") {
  return "[[target]]\nname = \"" + name + "\"\nkernel_package = \"" + kKernel612 +
         "\"\ncommand = '''" + command + "'''\n" + extra + "[target.vm]\nmemory = \"1G\"\n";
}

ToolResult zctrace(const std::vector<std::string> &args, const Scratch &s) {
  std::vector<std::string> argv = {ZCTRACE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--out", (s.dir / "out").string()});
  return run_tool(argv);
}

// The last line of stderr: zctrace's one line about what went wrong.
void expect_failure(const ToolResult &r, int status, const std::string &what) {
  EXPECT_EQ(r.exit_code, status) << r.out << r.err;
  EXPECT_NE(r.out.find("FAILED: " + what), std::string::npos) << r.out << r.err;
}

TEST(Vm, MatrixSmokeReturnsAnIntactAccountFromAGuest) {
  Scratch s;
  const fs::path json = s.dir / "matrix.json";
  const ToolResult r =
      zctrace({"matrix", "-c", ZCTRACE_SOURCE_DIR "/vmtest/vmtest.toml", "-f", "6\\.12",
               "--methods", "sendfile", "--size", "8M", "--no-host", "--json", json.string()},
              s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto m = zc::test::read_document(json);
  EXPECT_EQ(m.at("schema"), "zctrace.matrix/1");
  const auto &col = m.at("columns").at(0);
  EXPECT_EQ(col.at("name"), "debian-6.12-cloud");
  EXPECT_TRUE(col.at("error").is_null());
  EXPECT_GT(col.at("boot_s").get<double>(), 0);
  const auto &run = col.at("runs").at("sendfile");
  EXPECT_EQ(run.at("schema"), "zctrace.run/1");
  EXPECT_EQ(run.at("kernel").at("release").get<std::string>().rfind("6.12.", 0), 0u);
  EXPECT_EQ(run.at("integrity").at("ok"), true);
  // The guest's file lives on its NVMe disk and the payload crosses its NICs.
  EXPECT_EQ(run.at("params").at("filesystem"), "ext4");
  EXPECT_EQ(run.at("params").at("address"), "10.99.0.2");
  EXPECT_EQ(run.at("source").at("device").at("storage_bytes"), 8u << 20);
  EXPECT_GT(run.at("source").at("device").at("nic_bytes").get<std::uint64_t>(), 8u << 20);
  EXPECT_GT(run.at("source").at("device").at("dma_mapped_bytes").get<std::uint64_t>(), 8u << 20);
  EXPECT_NE(r.out.find("sendfile"), std::string::npos);
}

TEST(Vm, OneTargetExitsWithItsCommandsStatus) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("seven", "echo hello from the guest; exit 7"));
  const ToolResult r = zctrace({"vmtest", "-c", cfg.string()}, s);
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from the guest"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("boot "), std::string::npos);
  EXPECT_TRUE(fs::exists(s.dir / "out/seven/console.log"));
}

TEST(Vm, SeveralTargetsExitWithHowManyFailed) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("good", "true") + target("bad", "exit 3") +
                                              target("also-good", "ls /results"));
  const ToolResult r = zctrace({"vmtest", "-c", cfg.string()}, s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // And -f narrows them down.
  const ToolResult one = zctrace({"vmtest", "-c", cfg.string(), "-f", "^good$"}, s);
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
}

TEST(Vm, AGuestThatPanicsIsAFailedVm) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("panics", "echo c > /proc/sysrq-trigger"));
  const ToolResult r = zctrace({"vmtest", "-c", cfg.string()}, s);
  expect_failure(r, 69, "the guest kernel reported: ");
  EXPECT_NE(r.out.find("Kernel panic"), std::string::npos) << r.out;
}

TEST(Vm, AGuestThatHangsIsKilledAtItsTimeout) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("hangs", "sleep 1000", "timeout = 20\n"));
  const auto start = std::chrono::steady_clock::now();
  const ToolResult r = zctrace({"vmtest", "-c", cfg.string()}, s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  expect_failure(r, 69, "the VM did not finish within 20 s and was killed (the command hung)");
}

// SIGTERM (as Ctrl-C) while a guest runs stops vmtest at once, not when
// the guest's command ends or its timeout comes: qemu is killed and
// reaped, the target's work folder is removed, and the exit is 130.
TEST(Vm, ASignalStopsARunningGuestAtOnce) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("waits", "sleep 1000", "timeout = 600\n"));
  const fs::path err = s.dir / "stderr";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    const std::string out = (s.dir / "out").string();
    execl(ZCTRACE_BINARY, ZCTRACE_BINARY, "vmtest", "-c", cfg.c_str(), "--out", out.c_str(),
          static_cast<char *>(nullptr));
    _exit(127);
  }
  // The guest is running its command once its console says "ready".
  const fs::path console = s.dir / "out" / "waits" / "console.log";
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  std::string text;
  while (text.find("zctrace-init: ready") == std::string::npos &&
         std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::ifstream in(console);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(text.find("zctrace-init: ready"), std::string::npos) << text;
  const fs::path work = default_cache_dir() / "work" / ("waits." + std::to_string(pid));
  EXPECT_TRUE(fs::exists(work)) << work;
  const auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  // The wait for qemu's output wakes every 0.2 s; killing and reaping qemu
  // takes a moment more.
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(5));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_FALSE(fs::exists(work)) << work;
  // No qemu of this run is left: its command line names the work folder.
  for (const auto &e : fs::directory_iterator("/proc")) {
    std::ifstream cmdline(e.path() / "cmdline");
    const std::string args(std::istreambuf_iterator<char>(cmdline), {});
    EXPECT_EQ(args.find(work.string()), std::string::npos) << e.path();
  }
}

TEST(Vm, AKernelPackageThatCannotBeFetched) {
  Scratch s;
  const auto cfg = s.write(
      "vmtest.toml", "[[target]]\nname = \"nope\"\n"
                     "kernel_package = \"linux-image-0.0.0-*-zctrace-none\"\ncommand = \"true\"\n");
  expect_failure(zctrace({"vmtest", "-c", cfg.string()}, s), 69,
                 "cannot fetch a kernel package matching 'linux-image-0.0.0-*-zctrace-none'");
  const auto missing =
      s.write("missing.toml", "[[target]]\nname = \"gone\"\nkernel = \"no/such/vmlinuz\"\n"
                              "command = \"true\"\n");
  expect_failure(zctrace({"vmtest", "-c", missing.string()}, s), 69, "no kernel at ");
}

TEST(Vm, QemuMissing) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("noqemu", "true"));
  std::vector<std::string> argv = {
      "env", "PATH=/nonexistent", ZCTRACE_BINARY, "vmtest",
      "-c",  cfg.string(),        "--out",        (s.dir / "out").string()};
  expect_failure(run_tool(argv), 69,
                 "qemu-system-x86_64 not found in PATH: install Debian's qemu-system-x86");
}

TEST(Vm, UnknownTargetAndBadFile) {
  Scratch s;
  const auto cfg = s.write("vmtest.toml", target("only", "true"));
  const ToolResult r = zctrace({"vmtest", "-c", cfg.string(), "-f", "fedora"}, s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("zctrace: error: no target in " + cfg.string() +
                       " matches 'fedora' (targets: only)"),
            std::string::npos)
      << r.err;
  const auto bad = s.write("bad.toml", "[[target]\nname = 1\n");
  const ToolResult b = zctrace({"vmtest", "-c", bad.string()}, s);
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find("zctrace: error: " + bad.string() + ":1:"), std::string::npos) << b.err;
}

} // namespace
} // namespace zc::vmtest
