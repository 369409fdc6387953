// copy_file_range on the filesystems that share extents (XFS, btrfs: a
// reflink, no data moved) and on one that copies (ext4), each on a
// loop-mounted image the test makes and removes.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
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

RunResult copy_file_range_in(const std::string &dir) {
  RunRequest req = request("copy_file_range");
  req.size = 16ull << 20;
  req.dir = dir;
  req.cache = workloads::CacheMode::Cold;
  return run(req);
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

} // namespace
} // namespace zc::test
