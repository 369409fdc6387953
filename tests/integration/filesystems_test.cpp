// copy_file_range on the filesystems that share extents (XFS, btrfs: a
// reflink, no data moved) and on one that copies (ext4): with --dir on a
// loop-mounted image the test makes and removes, and with --fs, where
// zctrace makes the image itself.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "bpf_abi.h"
#include "harness.h"

namespace zc::test {
namespace {

namespace fs = std::filesystem;

bool kernel_has(const std::string &filesystem) {
  std::ifstream in("/proc/filesystems");
  for (std::string line; std::getline(in, line);)
    if (line.size() > filesystem.size() &&
        line.compare(line.size() - filesystem.size(), std::string::npos, filesystem) == 0 &&
        line[line.size() - filesystem.size() - 1] == '\t')
      return true;
  return false;
}

// A filesystem on a loop device, mounted for the test's life; "" in
// `why_not` when it could be made.
class LoopFilesystem {
public:
  explicit LoopFilesystem(const std::string &type) {
    if (!kernel_has(type) && run_tool({"modprobe", type}).exit_code != 0) {
      why_not = "this kernel has no " + type;
      return;
    }
    const std::string mkfs = "/usr/sbin/mkfs." + type;
    if (!fs::exists(mkfs)) {
      why_not = mkfs + " is not installed (scripts/install-deps.sh installs it)";
      return;
    }
    dir_ = fs::temp_directory_path() / ("zctrace-fs-" + type + "-" + std::to_string(getpid()));
    fs::create_directories(dir_ / "mnt");
    const fs::path image = dir_ / "image";
    std::ofstream(image).close();
    fs::resize_file(image, 512ull << 20); // sparse; mkfs.xfs wants 300 MiB at least
    const ToolResult loop = run_tool({"losetup", "--find", "--show", image.string()});
    if (loop.exit_code != 0) {
      why_not = "losetup: " + loop.last_line();
      return;
    }
    device_ = loop.out.substr(0, loop.out.find('\n'));
    const ToolResult made = run_tool({mkfs, "-q", device_});
    if (made.exit_code != 0) {
      why_not = mkfs + ": " + made.last_line();
      return;
    }
    if (::mount(device_.c_str(), mount_point().c_str(), type.c_str(), 0, nullptr) != 0) {
      why_not = "mount " + type + ": " + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~LoopFilesystem() {
    if (mounted_)
      ::umount2(mount_point().c_str(), 0);
    if (!device_.empty())
      run_tool({"losetup", "-d", device_});
    if (!dir_.empty())
      fs::remove_all(dir_);
  }
  LoopFilesystem(const LoopFilesystem &) = delete;
  LoopFilesystem &operator=(const LoopFilesystem &) = delete;

  fs::path mount_point() const { return dir_ / "mnt"; }
  std::string why_not;

private:
  fs::path dir_;
  std::string device_;
  bool mounted_ = false;
};

// The copy_file_range source writes its byte count to the sink when done.
constexpr std::uint64_t kDoneMessage = sizeof(std::uint64_t);

RunRequest copy_file_range_request() {
  RunRequest req = request("copy_file_range", 16ull << 20);
  req.cache = workloads::CacheMode::Cold;
  return req;
}

RunResult copy_file_range_in(const std::string &dir) {
  RunRequest req = copy_file_range_request();
  req.dir = dir;
  return run(req);
}

// The loop devices bound to an unnamed image in /var/tmp (what --fs binds),
// by sysfs: "/dev/loopN" -> its backing file as the kernel names it.
std::map<std::string, std::string> loops_on_unnamed_images() {
  std::map<std::string, std::string> out;
  for (const auto &e : fs::directory_iterator("/sys/block")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("loop", 0) != 0)
      continue;
    std::string backing = read_text((e.path() / "loop" / "backing_file").string());
    if (backing.rfind("/var/tmp/#", 0) == 0 && backing.find("(deleted)") != std::string::npos)
      out["/dev/" + name] = backing;
  }
  return out;
}

// A reflink: the destination's extents are the data file's (FIEMAP says
// shared), no CPU copy, and the source reads no payload from the disk, by
// zctrace's bios and by its /proc/PID/io alike. What it does read is the
// filesystem's metadata: under one 64 KiB chunk.
TEST(Filesystems, CopyFileRangeSharesExtentsOnXfsAndBtrfs) {
  for (const char *type : {"xfs", "btrfs"}) {
    SCOPED_TRACE(type);
    LoopFilesystem loop(type);
    if (!loop.why_not.empty()) {
      ADD_FAILURE() << loop.why_not;
      continue;
    }
    const RunResult r = copy_file_range_in(loop.mount_point());
    expect_intact(r);
    EXPECT_EQ(r.params.filesystem, type);
    ASSERT_TRUE(r.destination.has_value());
    EXPECT_EQ(r.destination->bytes, 16ull << 20);
    EXPECT_EQ(r.destination->shared_bytes, 16ull << 20) << r.destination->why_not;
    // The source's only CPU copy: the 8-byte count that tells the sink the copy is done.
    EXPECT_EQ(r.source.cpu_copy.bytes.value, kDoneMessage);
    EXPECT_EQ(rows_at(r.source, ZC_SITE_SHARED_EXTENTS), 16ull << 20);
    ASSERT_TRUE(r.source.device.storage_read_bytes.value.has_value());
    EXPECT_EQ(r.source.device.storage_read_bytes.value, r.source.rusage.io_read_bytes.value);
    EXPECT_LT(*r.source.device.storage_read_bytes.value, 64u << 10);
  }
}

// ext4 shares nothing: the kernel copies through the page cache, once, and
// the disk gives the source the whole file.
TEST(Filesystems, CopyFileRangeCopiesOnExt4) {
  LoopFilesystem loop("ext4");
  ASSERT_TRUE(loop.why_not.empty()) << loop.why_not;
  const RunResult r = copy_file_range_in(loop.mount_point());
  expect_intact(r);
  EXPECT_EQ(r.params.filesystem, "ext4");
  ASSERT_TRUE(r.destination.has_value());
  EXPECT_EQ(r.destination->shared_bytes, 0u);
  EXPECT_EQ(r.source.cpu_copy.bytes.value, (16ull << 20) + kDoneMessage);
  EXPECT_EQ(rows_at(r.source, ZC_SITE_FILE_WRITE), 16ull << 20);
  EXPECT_EQ(rows_at(r.source, ZC_SITE_SHARED_EXTENTS), 0u);
  EXPECT_EQ(r.source.device.storage_read_bytes.value, r.source.rusage.io_read_bytes.value);
  EXPECT_EQ(r.source.device.storage_read_bytes.value, 16ull << 20);
}

// --fs: zctrace makes the filesystem itself, and the run tells the same
// story as on an image the test made. Checked from outside while the run
// holds it (sysfs: one loop device on an unnamed image in /var/tmp, set to
// clear itself; blkid: the filesystem on it is the type asked for), and
// after: the device is unbound, so the image's blocks are freed.
TEST(Filesystems, FsMakesTheFilesystemAndLeavesNothing) {
  const auto before = loops_on_unnamed_images();
  for (const char *type : {"xfs", "btrfs", "ext4"}) {
    SCOPED_TRACE(type);
    RunRequest req = copy_file_range_request();
    req.fs = type;
    std::map<std::string, std::string> during;
    std::string probed_type, autoclear;
    req.on_attached = [&](const std::vector<ProbeReport> &) {
      during = loops_on_unnamed_images();
      for (const auto &[device, backing] : during)
        if (!before.count(device)) {
          probed_type = run_tool({"blkid", "-p", "-o", "value", "-s", "TYPE", device}).out;
          autoclear = read_text("/sys/block/" + device.substr(5) + "/loop/autoclear");
        }
    };
    const RunResult r = run(req);
    expect_intact(r);
    ASSERT_TRUE(r.params.fs.has_value());
    EXPECT_EQ(r.params.fs->type, type);
    EXPECT_EQ(r.params.filesystem, type);
    EXPECT_TRUE(r.params.dir.empty()) << r.params.dir;
    EXPECT_EQ(during.size(), before.size() + 1);
    EXPECT_TRUE(during.count(r.params.fs->loop_device)) << r.params.fs->loop_device;
    EXPECT_EQ(probed_type, std::string(type) + "\n");
    EXPECT_EQ(autoclear, "1\n");
    // Autoclear runs in the device's last release, which the mount's
    // teardown calls before the run returns: nothing to wait for.
    EXPECT_EQ(loops_on_unnamed_images(), before);

    ASSERT_TRUE(r.destination.has_value());
    const bool shares = std::string(type) != "ext4";
    EXPECT_EQ(r.destination->shared_bytes, shares ? 16ull << 20 : 0u);
    EXPECT_EQ(rows_at(r.source, ZC_SITE_SHARED_EXTENTS), shares ? 16ull << 20 : 0u);
    EXPECT_EQ(rows_at(r.source, ZC_SITE_FILE_WRITE), shares ? 0u : 16ull << 20);
    EXPECT_EQ(r.source.cpu_copy.bytes.value, (shares ? 0u : 16ull << 20) + kDoneMessage);
    ASSERT_TRUE(r.source.device.storage_read_bytes.value.has_value());
    EXPECT_EQ(r.source.device.storage_read_bytes.value, r.source.rusage.io_read_bytes.value);
    if (shares)
      EXPECT_LT(*r.source.device.storage_read_bytes.value, 64u << 10); // metadata, as above
    else
      EXPECT_EQ(*r.source.device.storage_read_bytes.value, 16ull << 20);
  }
}

} // namespace
} // namespace zc::test
