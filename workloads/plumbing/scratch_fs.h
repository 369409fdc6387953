// A filesystem made for one run (--fs xfs|btrfs|ext4), so that a method's
// files live on that filesystem whatever the machine's own are: an image
// file, a loop device over it, mkfs, and a mount. None of it can outlive
// zctrace, however zctrace ends (even by SIGKILL), and none of it has a name
// another user could have planted a link at:
//   - the image is unnamed (O_TMPFILE in /var/tmp): its blocks are freed
//     when the last thing holding it lets go;
//   - the loop device clears itself (LO_FLAGS_AUTOCLEAR) when it is last
//     closed, so the image goes with it;
//   - the mount is made with fsmount() and never attached anywhere: the
//     kernel unmounts it when its last descriptor is closed (a detached
//     mount dissolves on its final fput; the new mount API, Linux 5.2).
// The run's files are made in its root through /proc/PID/fd/N.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io.h"

namespace zc::workloads {

// Where the unnamed image lives.
inline constexpr const char *kScratchImageFolder = "/var/tmp";

// The types zctrace makes: "xfs", "btrfs", "ext4".
const std::vector<std::string> &scratch_filesystem_types();

// Why a `type` filesystem cannot be made here ("" when it can): no mkfs
// program for it, no loop devices, or a kernel without that filesystem.
// Probes by asking the kernel (fsopen), never by its version.
std::string scratch_filesystem_unavailable(const std::string &type);

// The image's size for files of `payload_bytes` in all: room for them and
// the filesystem's own metadata, and never below what mkfs.xfs accepts.
std::uint64_t scratch_image_bytes(std::uint64_t payload_bytes);

class ScratchFilesystem {
public:
  // Makes and mounts a `type` filesystem ("xfs", "btrfs", "ext4") on a
  // sparse image of `image_bytes`. Throws zc::Error with what failed.
  ScratchFilesystem(const std::string &type, std::uint64_t image_bytes);

  // The filesystem's root, as a path: /proc/<zctrace>/fd/<mount>.
  const std::string &root() const { return root_; }
  const std::string &type() const { return type_; }
  std::uint64_t image_bytes() const { return image_bytes_; }
  const std::string &loop_device() const { return loop_device_; }
  // The mkfs command that made it, as run.
  const std::string &mkfs_command() const { return mkfs_command_; }

private:
  std::string type_;
  std::uint64_t image_bytes_ = 0;
  std::string loop_device_;
  std::string mkfs_command_;
  Fd mount_; // the detached mount; closing it unmounts
  std::string root_;
};

} // namespace zc::workloads
