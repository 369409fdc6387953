#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "error.h"

namespace zc {

namespace {

// The folder and the file name of `path` ("." for a bare name).
std::pair<std::string, std::string> split(const std::string &path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string temp_template(const std::string &path) {
  const auto [dir, name] = split(path);
  return (dir == "/" ? "" : dir) + "/." + name + ".zctrace-XXXXXX";
}

} // namespace

std::string output_destination_problem(const std::string &path) {
  if (path.empty())
    return "an empty file name";
  const auto [dir, name] = split(path);
  if (name.empty() || name == "." || name == "..")
    return path + " names a folder, not a file";
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0)
    return "its folder " + dir + " " + (errno == ENOENT ? "does not exist" : std::strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return dir + " is not a folder";
  if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return path + " is a folder";
  // Whether a file can be made there, the way it will be.
  std::string probe = temp_template(path);
  const int fd = mkostemp(probe.data(), O_CLOEXEC);
  if (fd < 0)
    return "cannot create a file in " + dir + ": " + std::strerror(errno);
  close(fd);
  unlink(probe.c_str());
  return {};
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)), temp_(temp_template(path_)) {
  fd_ = mkostemp(temp_.data(), O_CLOEXEC);
  if (fd_ < 0)
    throw_errno("cannot write " + path_);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(temp_.c_str());
  }
}

void write_all(int fd, std::string_view text, const std::string &what) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      throw_errno(what);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void OutputFile::write(std::string_view text) {
  if (fd_ < 0)
    throw Error("cannot write " + path_ + ": already closed");
  write_all(fd_, text, "cannot write " + path_);
}

void OutputFile::commit() {
  if (fd_ < 0)
    throw Error("cannot write " + path_ + ": already closed");
  if (fchmod(fd_, 0644) != 0 || fsync(fd_) != 0)
    throw_errno("cannot write " + path_);
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0 || std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    unlink(temp_.c_str());
    errno = err;
    throw_errno("cannot write " + path_);
  }
}

void write_file_atomically(const std::string &path, std::string_view text) {
  OutputFile out(path);
  out.write(text);
  out.commit();
}

} // namespace zc
