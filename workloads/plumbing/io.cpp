#include "io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "workload.h"

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

Fd open_file(const std::string &path, int flags, unsigned mode) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0)
    throw_errno("open " + path);
  return Fd(fd);
}

namespace {

sockaddr_in ipv4(const std::string &address, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1)
    throw Error("not an IPv4 address: '" + address + "'");
  return a;
}

} // namespace

Fd connect_to(const std::string &address, std::uint16_t port,
              const std::function<void(int)> &tune) {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0)
    throw_errno("socket");
  if (tune)
    tune(s.get());
  const sockaddr_in a = ipv4(address, port);
  if (connect(s.get(), reinterpret_cast<const sockaddr *>(&a), sizeof(a)) != 0)
    throw_errno("connect to " + address + ":" + std::to_string(port));
  return s;
}

Fd listen_on(const std::string &address, std::uint16_t &port,
             const std::function<void(int)> &tune) {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0)
    throw_errno("socket");
  if (tune)
    tune(s.get());
  sockaddr_in a = ipv4(address, 0);
  if (bind(s.get(), reinterpret_cast<const sockaddr *>(&a), sizeof(a)) != 0)
    throw_errno("bind " + address);
  if (listen(s.get(), 1) != 0)
    throw_errno("listen");
  socklen_t len = sizeof(a);
  if (getsockname(s.get(), reinterpret_cast<sockaddr *>(&a), &len) != 0)
    throw_errno("getsockname");
  port = ntohs(a.sin_port);
  return s;
}

void enter_netns(const std::string &path) {
  Fd ns = open_file(path, O_RDONLY);
  if (setns(ns.get(), CLONE_NEWNET) != 0)
    throw_errno("enter network namespace " + path);
}

Mapping::Mapping(int fd, std::size_t len, int prot, int flags, const std::string &what)
    : len_(len) {
  note_call("mmap");
  addr_ = mmap(nullptr, len, prot, flags, fd, 0);
  if (addr_ == MAP_FAILED)
    throw_errno("mmap " + what);
}

Mapping::Mapping(const std::string &path, std::size_t len)
    : Mapping(open_file(path, O_RDONLY).get(), len, PROT_READ, MAP_SHARED, path) {}

Mapping::~Mapping() { munmap(addr_, len_); }

std::string read_all(const std::string &path) {
  Fd fd = open_file(path, O_RDONLY);
  std::string text;
  char buf[16384];
  while (true) {
    note_call("read");
    const ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read " + path);
    if (n == 0)
      return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

void write_chunks(int sock, const char *data, std::uint64_t size, std::uint64_t chunk) {
  for (std::uint64_t off = 0; off < size; off += chunk)
    write_all(sock, data + off, static_cast<std::size_t>(std::min(chunk, size - off)),
              "write to socket");
}

void write_all(int fd, const void *buf, std::size_t len, const char *what) {
  const char *p = static_cast<const char *>(buf);
  while (len > 0) {
    note_call("write");
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

void sendfile_all(int sock, int file, std::uint64_t size, std::uint64_t chunk) {
  off_t offset = 0;
  while (static_cast<std::uint64_t>(offset) < size) {
    const std::uint64_t left = size - static_cast<std::uint64_t>(offset);
    note_call("sendfile");
    const ssize_t n = sendfile(sock, file, &offset, std::min(chunk, left));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("sendfile");
    if (n == 0)
      throw Error("sendfile: end of file at offset " + std::to_string(offset));
  }
}

} // namespace zc::workloads
