// Small POSIX helpers the workloads share. Every failure throws zc::Error
// with what was being done, so a workload process can report it in one line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

namespace zc::workloads {

// Owns a file descriptor; closes it once.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd &operator=(Fd &&o) noexcept;
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

private:
  int fd_ = -1;
};

// `mode` applies when flags has O_CREAT.
Fd open_file(const std::string &path, int flags, unsigned mode = 0600);
// TCP to an IPv4 address ("127.0.0.1", "10.99.0.2"); `tune` may set socket
// options on the socket before it connects.
Fd connect_to(const std::string &address, std::uint16_t port,
              const std::function<void(int)> &tune = {});
// A TCP socket listening on an IPv4 address at an ephemeral port; returns the
// port. `tune` may set socket options before it listens.
Fd listen_on(const std::string &address, std::uint16_t &port,
             const std::function<void(int)> &tune = {});
inline Fd connect_loopback(std::uint16_t port) { return connect_to("127.0.0.1", port); }
inline Fd listen_loopback(std::uint16_t &port) { return listen_on("127.0.0.1", port); }
// Moves the calling thread into the network namespace at `path`
// (for example /run/netns/NAME).
void enter_netns(const std::string &path);

// A mapping of a file (or of any mappable fd), unmapped once.
class Mapping {
public:
  // mmap(len, prot, flags) of fd; `what` names it in the error.
  Mapping(int fd, std::size_t len, int prot, int flags, const std::string &what);
  // The whole file at `path`, read-only and shared.
  Mapping(const std::string &path, std::size_t len);
  ~Mapping();
  Mapping(const Mapping &) = delete;
  Mapping &operator=(const Mapping &) = delete;
  char *data() const { return static_cast<char *>(addr_); }
  std::size_t size() const { return len_; }

private:
  void *addr_;
  std::size_t len_;
};

// The whole of a (small) file, read() by read() (each call noted).
std::string read_all(const std::string &path);

// write() until all `len` bytes are written (a socket may take fewer).
void write_all(int fd, const void *buf, std::size_t len, const char *what);

// write() `size` bytes from `data` to `sock`, `chunk` bytes per call.
void write_chunks(int sock, const char *data, std::uint64_t size, std::uint64_t chunk);

// sendfile() `size` bytes of `file` from offset 0 to `sock`, at most `chunk`
// bytes per call.
void sendfile_all(int sock, int file, std::uint64_t size, std::uint64_t chunk);

} // namespace zc::workloads
