// Small POSIX helpers the workloads share. Every failure throws zc::Error
// with what was being done, so a workload process can report it in one line.
#pragma once

#include <cstddef>
#include <cstdint>
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

Fd open_file(const std::string &path, int flags);
// TCP to an IPv4 address ("127.0.0.1", "10.99.0.2").
Fd connect_to(const std::string &address, std::uint16_t port);
// A TCP socket listening on an IPv4 address at an ephemeral port; returns the port.
Fd listen_on(const std::string &address, std::uint16_t &port);
inline Fd connect_loopback(std::uint16_t port) { return connect_to("127.0.0.1", port); }
inline Fd listen_loopback(std::uint16_t &port) { return listen_on("127.0.0.1", port); }
// Moves the calling thread into the network namespace at `path`
// (for example /run/netns/NAME).
void enter_netns(const std::string &path);

// write() until all `len` bytes are written (a socket may take fewer).
void write_all(int fd, const void *buf, std::size_t len, const char *what);

} // namespace zc::workloads
