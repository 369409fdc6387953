#include "io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "error.h"

namespace zc::workloads {

Fd &Fd::operator=(Fd &&o) noexcept {
  reset(o.release());
  return *this;
}

Fd::~Fd() { reset(); }

void Fd::reset(int fd) {
  if (fd_ >= 0)
    close(fd_);
  fd_ = fd;
}

Fd open_file(const std::string &path, int flags) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0)
    throw_errno("open " + path);
  return Fd(fd);
}

namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

} // namespace

Fd connect_loopback(std::uint16_t port) {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0)
    throw_errno("socket");
  const sockaddr_in a = loopback(port);
  if (connect(s.get(), reinterpret_cast<const sockaddr *>(&a), sizeof(a)) != 0)
    throw_errno("connect to 127.0.0.1:" + std::to_string(port));
  return s;
}

Fd listen_loopback(std::uint16_t &port) {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0)
    throw_errno("socket");
  sockaddr_in a = loopback(0);
  if (bind(s.get(), reinterpret_cast<const sockaddr *>(&a), sizeof(a)) != 0)
    throw_errno("bind 127.0.0.1");
  if (listen(s.get(), 1) != 0)
    throw_errno("listen");
  socklen_t len = sizeof(a);
  if (getsockname(s.get(), reinterpret_cast<sockaddr *>(&a), &len) != 0)
    throw_errno("getsockname");
  port = ntohs(a.sin_port);
  return s;
}

void write_all(int fd, const void *buf, std::size_t len, const char *what) {
  const char *p = static_cast<const char *>(buf);
  while (len > 0) {
    const ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno(what);
    if (n == 0)
      throw Error(std::string(what) + ": wrote nothing");
    p += n;
    len -= static_cast<std::size_t>(n);
  }
}

} // namespace zc::workloads
