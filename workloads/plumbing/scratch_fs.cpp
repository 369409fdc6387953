#include "scratch_fs.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <linux/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "child_output.h"
#include "error.h"
#include "interrupt.h"

namespace zc::workloads {

namespace {

// mkfs.TYPE from the folders the system keeps its programs in, never from
// PATH (zctrace runs as root), and only a root-owned file no one else may
// write.
std::string mkfs_program(const std::string &type) {
  for (const char *dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
    const std::string path = std::string(dir) + "/mkfs." + type;
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR) &&
        st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)))
      return path;
  }
  return {};
}

const char *package_of(const std::string &type) {
  if (type == "xfs")
    return "xfsprogs";
  if (type == "btrfs")
    return "btrfs-progs";
  return "e2fsprogs";
}

// Each with a label, and quiet. XFS: reflink asked for by name (the
// default since xfsprogs 5.1, but it is what the run is about). ext4: inode
// tables and journal written now, not by ext4lazyinit in the background of
// the run's I/O.
std::vector<std::string> mkfs_args(const std::string &type, const std::string &device) {
  if (type == "xfs")
    return {"mkfs.xfs", "-q", "-f", "-m", "reflink=1", "-L", "zctrace", device};
  if (type == "btrfs")
    return {"mkfs.btrfs", "-q", "-f", "-L", "zctrace", device};
  return {"mkfs.ext4", "-q",      "-F",  "-E", "lazy_itable_init=0,lazy_journal_init=0",
          "-L",        "zctrace", device};
}

int fs_open(const std::string &type) {
  return static_cast<int>(syscall(SYS_fsopen, type.c_str(), FSOPEN_CLOEXEC));
}

// What the filesystem said of a failed mount: the messages it logged into
// the fs_context ("e xfs: ..."), read back from the fsopen descriptor.
std::string context_messages(int fsfd) {
  std::string said;
  char buf[512];
  for (int i = 0; i < 4; ++i) {
    const ssize_t n = read(fsfd, buf, sizeof(buf) - 1);
    if (n <= 0)
      break;
    said += (said.empty() ? " (" : "; ") + std::string(buf, static_cast<std::size_t>(n));
  }
  return said.empty() ? said : said + ")";
}

// A free loop device bound to `image`, clearing itself when last closed.
// Another program may take the device LOOP_CTL_GET_FREE named before
// LOOP_CONFIGURE binds it; the kernel then says EBUSY, and we ask again.
Fd attach_loop(int image, std::string &device) {
  const Fd control(open("/dev/loop-control", O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (control.get() < 0)
    throw_errno("open /dev/loop-control");
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int n = ioctl(control.get(), LOOP_CTL_GET_FREE);
    if (n < 0)
      throw_errno("find a free loop device");
    device = "/dev/loop" + std::to_string(n);
    Fd loop(open(device.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
    struct stat st {};
    if (loop.get() < 0 || fstat(loop.get(), &st) != 0)
      throw_errno("open " + device);
    if (!S_ISBLK(st.st_mode) || major(st.st_rdev) != 7 /* LOOP_MAJOR */)
      throw Error(device + " is not a loop device");
    loop_config config{};
    config.fd = static_cast<std::uint32_t>(image);
    config.info.lo_flags = LO_FLAGS_AUTOCLEAR;
    if (ioctl(loop.get(), LOOP_CONFIGURE, &config) == 0)
      return loop;
    if (errno != EBUSY)
      throw_errno("bind the image to " + device + " (LOOP_CONFIGURE, Linux 5.8)");
  }
  throw Error("no free loop device stayed free long enough to bind the image (16 tries)");
}

// The filesystem on `device`, mounted nowhere: a descriptor of its root.
Fd mount_detached(const std::string &type, const std::string &device) {
  const Fd fsfd(fs_open(type));
  if (fsfd.get() < 0)
    throw_errno("fsopen " + type);
  if (syscall(SYS_fsconfig, fsfd.get(), FSCONFIG_SET_STRING, "source", device.c_str(), 0) != 0 ||
      syscall(SYS_fsconfig, fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    const int err = errno;
    throw Error("mount the new " + type + " on " + device + ": " + errno_text(err) +
                context_messages(fsfd.get()));
  }
  const int mnt =
      static_cast<int>(syscall(SYS_fsmount, fsfd.get(), FSMOUNT_CLOEXEC,
                               MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  if (mnt < 0)
    throw_errno("fsmount the new " + type);
  return Fd(mnt);
}

std::string joined(const std::vector<std::string> &words) {
  std::string s;
  for (const std::string &w : words)
    s += (s.empty() ? "" : " ") + w;
  return s;
}

} // namespace

const std::vector<std::string> &scratch_filesystem_types() {
  static const std::vector<std::string> types = {"xfs", "btrfs", "ext4"};
  return types;
}

std::string scratch_filesystem_unavailable(const std::string &type) {
  if (mkfs_program(type).empty())
    return "mkfs." + type + " is not installed (Debian's " + package_of(type) + ")";
  const Fd control(open("/dev/loop-control", O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (control.get() < 0) {
    const int err = errno;
    if (err == EACCES || err == EPERM)
      return "/dev/loop-control: " + errno_text(err) + " (making a filesystem needs root)";
    return "no loop devices: /dev/loop-control: " + errno_text(err) + " (modprobe loop)";
  }
  const Fd fsfd(fs_open(type));
  if (fsfd.get() >= 0)
    return {};
  if (errno == ENOSYS)
    return "this kernel has no fsopen() (Linux 5.2), which --fs mounts with";
  if (errno == ENODEV)
    return "this kernel has no " + type + " (not built in, and no module of it could be loaded)";
  return "fsopen " + type + ": " + errno_text(errno);
}

std::uint64_t scratch_image_bytes(std::uint64_t payload_bytes) {
  // A quarter more and 256 MiB for the filesystem's metadata (btrfs keeps
  // two copies of its own); mkfs.xfs refuses less than 300 MiB.
  constexpr std::uint64_t kMiB = 1ull << 20;
  const std::uint64_t want = payload_bytes + payload_bytes / 4 + 256 * kMiB;
  return std::max<std::uint64_t>(512 * kMiB, (want + kMiB - 1) / kMiB * kMiB);
}

ScratchFilesystem::ScratchFilesystem(const std::string &type, std::uint64_t image_bytes)
    : type_(type), image_bytes_(image_bytes) {
  const std::string program = mkfs_program(type);
  if (program.empty())
    throw Unavailable("--fs " + type + ": " + scratch_filesystem_unavailable(type));
  Fd image(open(kScratchImageFolder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (image.get() < 0)
    throw_errno(std::string("make the filesystem image in ") + kScratchImageFolder);
  if (ftruncate(image.get(), static_cast<off_t>(image_bytes)) != 0) // sparse
    throw_errno("size the filesystem image");
  Fd loop = attach_loop(image.get(), loop_device_);
  image.reset(); // the loop device holds it now
  const std::vector<std::string> argv = mkfs_args(type, loop_device_);
  mkfs_command_ = joined(argv);
  const ChildOutput made = run_collecting(program, argv);
  if (interrupt_requested())
    throw Interrupted();
  if (!WIFEXITED(made.status) || WEXITSTATUS(made.status) != 0)
    throw Error(mkfs_command_ + " failed" +
                (made.last_line().empty() ? std::string() : ": " + made.last_line()));
  mount_ = mount_detached(type, loop_device_);
  // The mount holds the device open now; when the mount goes, the device
  // clears itself, and the image goes with it.
  loop.reset();
  root_ = "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(mount_.get());
}

} // namespace zc::workloads
