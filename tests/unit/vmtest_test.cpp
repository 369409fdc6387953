// vmtest's pure parts: the vmtest.toml schema, the result framing, the cpio
// archive, the exit status rules and the qemu command line.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config.h"
#include "cpio.h"
#include "error.h"
#include "frames.h"
#include "initramfs.h"
#include "matrix.h"
#include "qemu.h"
#include "runner.h"
#include "subprocess.h"

namespace zc::vmtest {
namespace {

namespace fs = std::filesystem;

Config parse(const std::string &text) { return parse_config(text, "/base", "vmtest.toml"); }

std::string usage_error(const std::string &text) {
  try {
    parse(text);
  } catch (const UsageError &e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed";
  return "";
}

TEST(VmtestConfig, DanobisSchema) {
  const Config c = parse(R"(
[[target]]
name = "a"
kernel = "kernels/bzImage"
kernel_args = "nokaslr"
command = "/bin/true"
something_vmtest_added_later = 1

[target.vm]
num_cpus = 4
memory = "2G"
extra_args = ["-s", "-device", "foo"]
unknown_vm_key = "x"

[[target]]
name = "b"
image = "/images/b.qcow2"
command = '''/bin/sh -c "echo 'quoted'"'''
)");
  ASSERT_EQ(c.targets.size(), 2u);
  const Target &a = c.targets[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.kernel, fs::path("/base/kernels/bzImage")); // relative to the file's folder
  EXPECT_EQ(a.kernel_args, "nokaslr");
  EXPECT_EQ(a.command, "/bin/true");
  EXPECT_EQ(a.vm.num_cpus, 4);
  EXPECT_EQ(a.vm.memory, "2G");
  EXPECT_EQ(a.vm.extra_args, (std::vector<std::string>{"-s", "-device", "foo"}));
  const Target &b = c.targets[1];
  EXPECT_EQ(b.image, fs::path("/images/b.qcow2"));
  EXPECT_EQ(b.command, "/bin/sh -c \"echo 'quoted'\"");
  // vmtest's defaults.
  EXPECT_EQ(b.vm.num_cpus, 2);
  EXPECT_EQ(b.vm.memory, "4G");
  EXPECT_TRUE(b.vm.extra_args.empty());
}

TEST(VmtestConfig, ZctracesOwnKeys) {
  const Config c = parse(R"(
[[target]]
name = "debian"
kernel_package = "linux-image-6.1.0-*-cloud-amd64-unsigned"
command = "zctrace probes"
timeout = 30
nics = false
disk_size = "256M"
modules = ["loop", "xfs"]
programs = ["/usr/sbin/mkfs.xfs"]
)");
  const Target &t = c.targets.at(0);
  EXPECT_EQ(t.modules, (std::vector<std::string>{"loop", "xfs"}));
  EXPECT_EQ(t.programs, std::vector<fs::path>{"/usr/sbin/mkfs.xfs"});
  EXPECT_EQ(t.kernel_package, "linux-image-6.1.0-*-cloud-amd64-unsigned");
  EXPECT_FALSE(t.kernel);
  EXPECT_DOUBLE_EQ(t.timeout_s, 30);
  EXPECT_FALSE(t.nics);
  EXPECT_EQ(t.disk_size, "256M");
}

TEST(VmtestConfig, BadFilesSayWhereAndWhy) {
  EXPECT_NE(usage_error("[[target]]\nname = \"x\"\ncommand = \"c\"\n")
                .find("target 'x' has neither kernel nor image"),
            std::string::npos);
  EXPECT_NE(usage_error("[[target]]\nkernel = \"k\"\ncommand = \"c\"\n").find("has no name"),
            std::string::npos);
  EXPECT_NE(usage_error("[[target]]\nname = \"x\"\nkernel = \"k\"\n").find("has no command"),
            std::string::npos);
  const std::string syntax = usage_error("[[target]]\nname = \"x\"\nkernel = [1,\n");
  EXPECT_EQ(syntax.rfind("vmtest.toml:", 0), 0u) << syntax;
  EXPECT_NE(usage_error("[[target]]\nname = 3\nkernel = \"k\"\ncommand = \"c\"\n")
                .find("name has the wrong type"),
            std::string::npos);
  EXPECT_NE(usage_error("title = \"no targets\"\n").find("no [[target]]"), std::string::npos);
  EXPECT_NE(usage_error("[[target]]\nname = \"x\"\nkernel = \"k\"\ncommand = \"c\"\n"
                        "programs = [\"mkfs.xfs\"]\n")
                .find("programs must be absolute paths, not 'mkfs.xfs'"),
            std::string::npos);
  EXPECT_NE(usage_error("[[target]]\nname = \"x\"\nkernel = \"k\"\ncommand = \"c\"\n"
                        "modules = \"loop\"\n")
                .find("modules must be an array of strings"),
            std::string::npos);
  EXPECT_NE(usage_error("[[target]]\nname = \"x\"\nkernel = \"k\"\ncommand = \"c\"\n"
                        "[[target]]\nname = \"x\"\nkernel = \"k\"\ncommand = \"c\"\n")
                .find("two targets are named 'x'"),
            std::string::npos);
  EXPECT_NE(usage_error("[[target]]\nname = \"x\"\nkernel = \"k\"\ncommand = \"c\"\ntimeout = -1\n")
                .find("timeout must be a positive number"),
            std::string::npos);
}

TEST(VmtestConfig, FilterLikeVmtestDashF) {
  Config c = parse("[[target]]\nname = \"debian-6.1\"\nkernel = \"k\"\ncommand = \"c\"\n"
                   "[[target]]\nname = \"debian-6.12\"\nkernel = \"k\"\ncommand = \"c\"\n");
  c.file = "vmtest.toml";
  EXPECT_EQ(select_targets(c, ".*").size(), 2u);
  EXPECT_EQ(select_targets(c, "6\\.12").size(), 1u);
  EXPECT_EQ(select_targets(c, "6.1").size(), 2u); // a partial match, as vmtest's
  try {
    select_targets(c, "fedora");
    FAIL();
  } catch (const UsageError &e) {
    EXPECT_NE(std::string(e.what()).find("no target in vmtest.toml matches 'fedora' (targets: "
                                         "debian-6.1, debian-6.12)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(select_targets(c, "("), UsageError);
}

TEST(Frames, FilesAndTheEndMarker) {
  const std::string json = "{\"schema\": \"zctrace.run/1\"}\n";
  const std::string stream = "noise before\nZCTRACE-FILE run.json " + std::to_string(json.size()) +
                             "\n" + base64_encode(json) + "\nZCTRACE-FILE-END\nZCTRACE-EXIT 3\n";
  const Frames f = parse_frames(stream);
  ASSERT_EQ(f.files.size(), 1u);
  EXPECT_EQ(f.files[0].name, "run.json");
  EXPECT_EQ(f.files[0].data, json);
  EXPECT_EQ(f.exit_code, 3);
  EXPECT_TRUE(f.problem.empty());
}

TEST(Frames, AGuestThatDiedHalfWay) {
  const std::string data(1000, 'x');
  const std::string body = base64_encode(data);
  // No end marker: the guest never finished.
  EXPECT_FALSE(parse_frames("ZCTRACE-FILE a 1000\n" + body + "\nZCTRACE-FILE-END\n").exit_code);
  // Cut in the middle of a file.
  const Frames cut = parse_frames("ZCTRACE-FILE a 1000\n" + body.substr(0, 100) + "\n");
  EXPECT_FALSE(cut.exit_code);
  EXPECT_NE(cut.problem.find("cut off"), std::string::npos);
  // Sizes that disagree.
  const Frames bad =
      parse_frames("ZCTRACE-FILE a 999\n" + body + "\nZCTRACE-FILE-END\nZCTRACE-EXIT 0\n");
  EXPECT_NE(bad.problem.find("has 1000 bytes, its header says 999"), std::string::npos);
  EXPECT_TRUE(parse_frames("").files.empty());
}

TEST(Frames, AGuestCannotNameAFileOutsideTheResultsFolder) {
  const std::string body = base64_encode("x");
  for (const std::string name : {"../../etc/cron.d/x", "/etc/passwd", ".hidden", "a/b"}) {
    const Frames f = parse_frames("ZCTRACE-FILE " + name + " 1\n" + body +
                                  "\nZCTRACE-FILE-END\nZCTRACE-EXIT 0\n");
    EXPECT_TRUE(f.files.empty()) << name;
    EXPECT_NE(f.problem.find("is not a plain file name"), std::string::npos) << name;
  }
}

TEST(Frames, Base64RoundTrip) {
  for (const std::string &s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_THROW(base64_decode("a*b"), Error);
}

TEST(Cpio, AnArchiveGnuCpioReads) {
  CpioWriter w;
  w.directory("bin");
  w.file("bin/hello", "hello world\n", 0755);
  w.symlink("bin/sh", "busybox");
  const std::string archive = w.finish();
  EXPECT_EQ(archive.size() % 4, 0u);
  const fs::path path = fs::temp_directory_path() / ("zctrace-cpio-" + std::to_string(getpid()));
  std::ofstream(path, std::ios::binary) << archive;
  const ToolResult listing = run_tool({"cpio", "-it", "--quiet", "-F", path.string()});
  fs::remove(path);
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listing.out, "bin\nbin/hello\nbin/sh\n");
}

// An image of the static binaries, a made-up release, no modules folder.
GuestImage test_image() {
  GuestImage image;
  image.busybox = "/bin/busybox";
  image.zctrace = ZCTRACE_STATIC_BINARY;
  image.kernel.release = "6.99.0-test";
  image.command = "zctrace probes";
  return image;
}

fs::path initramfs_path() {
  return fs::temp_directory_path() / ("zctrace-initrd-" + std::to_string(getpid()));
}

TEST(Initramfs, ShipsStaticBinariesCommandAndInit) {
  const fs::path out = initramfs_path();
  GuestImage image = test_image();
  image.modules = {"virtio_net"};
  const InitramfsContents contents = build_initramfs(image, out);
  // No modules directory given: the module is missing, not invented.
  EXPECT_EQ(contents.missing, std::vector<std::string>{"virtio_net"});
  const ToolResult listing = run_tool({"cpio", "-it", "--quiet", "-F", out.string()});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  for (const char *f : {"\ninit\n", "\nbin/busybox\n", "\nusr/bin/zctrace\n",
                        "\netc/zctrace/command\n", "\netc/zctrace/modules\n"})
    EXPECT_NE(("\n" + listing.out).find(f), std::string::npos) << f;
  // A dynamically linked program would not run in the guest.
  image.zctrace = "/bin/ls";
  try {
    build_initramfs(image, out);
    ADD_FAILURE() << "accepted a dynamic executable";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("not statically linked"), std::string::npos);
  }
  fs::remove(out);
}

// A host program goes in at its own path with every library it needs: the
// ones its dynamic section names (readelf, not the loader the image is made
// with), and its interpreter.
TEST(Initramfs, ShipsHostProgramsWithTheirLibraries) {
  const fs::path out = initramfs_path();
  GuestImage image = test_image();
  image.programs = {"/usr/sbin/mkfs.xfs"};
  build_initramfs(image, out);
  const ToolResult listing = run_tool({"cpio", "-it", "--quiet", "-F", out.string()});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  const std::string files = "\n" + listing.out;
  EXPECT_NE(files.find("\nusr/sbin/mkfs.xfs\n"), std::string::npos);
  const ToolResult dynamic = run_tool({"readelf", "-d", "-l", "/usr/sbin/mkfs.xfs"});
  ASSERT_EQ(dynamic.exit_code, 0) << dynamic.err;
  std::istringstream in(dynamic.out);
  int needed = 0;
  for (std::string line; std::getline(in, line);) {
    // " 0x...01 (NEEDED)  Shared library: [libuuid.so.1]"
    const auto open = line.find("Shared library: [");
    if (open != std::string::npos) {
      const std::string lib = line.substr(open + 17, line.find(']') - open - 17);
      EXPECT_NE(files.find("/" + lib + "\n"), std::string::npos) << lib;
      ++needed;
    }
    // "      [Requesting program interpreter: /lib64/ld-linux-x86-64.so.2]"
    const auto interp = line.find("interpreter: /");
    if (interp != std::string::npos) {
      const std::string path = line.substr(interp + 13, line.find(']') - interp - 13);
      EXPECT_NE(files.find("\n" + path.substr(1) + "\n"), std::string::npos) << path;
    }
  }
  EXPECT_GE(needed, 2) << dynamic.out; // at least libc and one of xfsprogs's own
  image.programs = {"/nonexistent/mkfs.foo"};
  try {
    build_initramfs(image, out);
    ADD_FAILURE() << "accepted a program that is not there";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/mkfs.foo is not on this machine"),
              std::string::npos);
  }
  fs::remove(out);
}

TEST(Runner, ExitStatusAsVmtest) {
  auto result = [](bool vm_ok, int exit_code) {
    TargetResult r;
    r.vm_ok = vm_ok;
    r.exit_code = exit_code;
    return r;
  };
  const TargetResult ok = result(true, 0), seven = result(true, 7), broken = result(false, 0);
  EXPECT_EQ(exit_status({ok}), 0);
  EXPECT_EQ(exit_status({seven}), 7);             // one target: the command's own code
  EXPECT_EQ(exit_status({broken}), 69);           // EX_UNAVAILABLE: the VM failed
  EXPECT_EQ(exit_status({ok, seven, broken}), 2); // several: how many failed
  EXPECT_EQ(exit_status({ok, ok}), 0);
}

TEST(Qemu, TcgUnlessAskedAndTheDevicesOfAGuest) {
  VmSpec s;
  s.kernel.vmlinuz = "/k/vmlinuz";
  s.initramfs = "/w/initrd";
  s.disk = "/w/disk.img";
  s.kernel_args = "nokaslr";
  s.vm.extra_args = {"-s"};
  s.results_log = "/w/results";
  const auto a = qemu_argv("/usr/bin/qemu-system-x86_64", s);
  auto has = [&](const std::string &flag, const std::string &value) {
    for (std::size_t i = 0; i + 1 < a.size(); ++i)
      if (a[i] == flag && a[i + 1] == value)
        return true;
    return false;
  };
  EXPECT_TRUE(has("-accel", "tcg,thread=single"));
  EXPECT_TRUE(has("-cpu", "max"));
  EXPECT_TRUE(has("-machine", "q35"));
  EXPECT_TRUE(has("-append", "console=ttyS0 panic=-1 quiet nokaslr"));
  EXPECT_TRUE(has("-serial", "file:/w/results"));
  EXPECT_TRUE(has("-device", "nvme,drive=zcdisk,serial=zctrace"));
  EXPECT_EQ(std::count_if(a.begin(), a.end(),
                          [](const std::string &x) { return x.rfind("virtio-net-pci", 0) == 0; }),
            2);
  EXPECT_EQ(a.back(), "-s"); // extra_args last, as given
  s.kvm = true;
  s.nics = false;
  const auto b = qemu_argv("/usr/bin/qemu-system-x86_64", s);
  EXPECT_NE(std::find(b.begin(), b.end(), "kvm"), b.end());
  EXPECT_NE(std::find(b.begin(), b.end(), "none"), b.end());
}

TEST(Qemu, KernelTroubleOnTheConsole) {
  EXPECT_TRUE(is_kernel_trouble("[    4.2] Kernel panic - not syncing: sysrq triggered crash"));
  EXPECT_TRUE(is_kernel_trouble("[    1.0] WARNING: CPU: 1 PID: 80 at kernel/bpf/verifier.c:123"));
  EXPECT_TRUE(is_kernel_trouble("[    1.0] BUG: unable to handle page fault for address"));
  EXPECT_FALSE(is_kernel_trouble("zctrace-init: ready 2.4"));
  EXPECT_FALSE(is_kernel_trouble("read_write  CPU copy passes 2.00"));
}

TEST(Matrix, TheGuestCommandRunsEveryMethodAcrossTheNics) {
  const std::string cmd = guest_matrix_command({{"read_write", "splice"}, 1 << 20, 4096, "cold"});
  EXPECT_NE(cmd.find("for m in read_write splice;"), std::string::npos);
  EXPECT_NE(cmd.find("--size 1048576 --chunk 4096 --cache cold"), std::string::npos);
  EXPECT_NE(cmd.find("--address 10.99.0.2 --sink-netns /run/netns/peer"), std::string::npos);
  EXPECT_NE(cmd.find("--json \"/results/$m.json\""), std::string::npos);
}

} // namespace
} // namespace zc::vmtest
