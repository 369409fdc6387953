// copy_file_range on filesystems zctrace makes itself (--fs) inside Debian's
// 6.1 and 6.12 kernels: the guests load loop, xfs and btrfs, and carry the
// host's mkfs programs (vmtest's `modules` and `programs`). XFS and btrfs
// share the extents (a reflink: no CPU copy, no payload read from the
// disk); ext4 copies through the page cache once. Nothing is left bound.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "subprocess.h"

namespace zc::vmtest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uint64_t kSize = 16u << 20;
// The source's one CPU copy besides: the 8-byte count that tells the sink
// the copy is done.
constexpr std::uint64_t kDoneMessage = 8;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("zctrace-vmfs-" + std::to_string(getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

std::uint64_t site_bytes(const json &account, const std::string &site) {
  std::uint64_t total = 0;
  for (const auto &row : account.at("cpu_copy").at("by_site"))
    if (row.at("site") == site)
      total += row.at("bytes").get<std::uint64_t>();
  return total;
}

std::string target(const std::string &name, const std::string &package,
                   const std::string &command) {
  return "[[target]]\nname = \"" + name + "\"\nkernel_package = \"" + package +
         "\"\ncommand = '''" + command +
         "'''\nmodules = [\"loop\", \"xfs\", \"btrfs\"]\n"
         "programs = [\"/usr/sbin/mkfs.xfs\", \"/usr/sbin/mkfs.btrfs\", \"/usr/sbin/mkfs.ext4\"]\n"
         "[target.vm]\nmemory = \"1G\"\n";
}

TEST(Filesystems, CopyFileRangeOnFsInBothDebianKernels) {
  Scratch s;
  std::string runs;
  for (const char *type : {"xfs", "btrfs", "ext4"})
    runs += std::string("zctrace run copy_file_range --fs ") + type +
            " --size 16M --cache cold --json /results/" + type + ".json && ";
  // Bound loop devices once the runs are over: none.
  runs += "n=0; for d in /sys/block/loop*; do [ -e $d/loop ] && n=$((n+1)); done; "
          "echo $n > /results/bound-loops.txt";
  const fs::path cfg = s.dir / "fs.toml";
  std::ofstream(cfg) << target("fs-6.1", "linux-image-6.1.0-*-cloud-amd64-unsigned", runs)
                     << target("fs-6.12", "linux-image-6.12.*+deb12-cloud-amd64-unsigned", runs);
  const fs::path out = s.dir / "out";
  const ToolResult r =
      run_tool({ZCTRACE_BINARY, "vmtest", "-c", cfg.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char *name : {"fs-6.1", "fs-6.12"}) {
    SCOPED_TRACE(name);
    std::ifstream bound(out / name / "bound-loops.txt");
    std::string count;
    std::getline(bound, count);
    EXPECT_EQ(count, "0");
    for (const std::string type : {"xfs", "btrfs", "ext4"}) {
      SCOPED_TRACE(type);
      const json run = zc::test::read_document(out / name / (type + ".json"));
      ASSERT_TRUE(run.is_object());
      EXPECT_EQ(run.at("integrity").at("ok"), true);
      EXPECT_EQ(run.at("params").at("filesystem"), type);
      EXPECT_EQ(run.at("params").at("fs").at("type"), type);
      EXPECT_TRUE(run.at("params").at("dir").is_null());
      const json &src = run.at("source");
      const bool shares = type != "ext4";
      EXPECT_EQ(run.at("destination").at("shared_extent_bytes"), shares ? kSize : 0u);
      EXPECT_EQ(site_bytes(src, "copy_file_range (no copy)"), shares ? kSize : 0u);
      // Measured at its site (fexit attaches in these kernels).
      EXPECT_EQ(site_bytes(src, "file_write"), shares ? 0u : kSize);
      EXPECT_EQ(src.at("cpu_copy").at("bytes"), (shares ? 0u : kSize) + kDoneMessage);
      // The disk gives the source the whole file when it copies, and only
      // the filesystem's metadata (under one 64 KiB chunk) when it shares,
      // by zctrace's bios and by /proc/PID/io alike.
      const json &read = src.at("device").at("storage_read_bytes");
      ASSERT_FALSE(read.is_null());
      EXPECT_EQ(read, src.at("rusage").at("io_read_bytes"));
      if (shares)
        EXPECT_LT(read.get<std::uint64_t>(), 64u << 10);
      else
        EXPECT_EQ(read, kSize);
    }
  }
}

} // namespace
} // namespace zc::vmtest
