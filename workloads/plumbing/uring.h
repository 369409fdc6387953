// io_uring, through Debian's liburing: a ring, and what this kernel's
// io_uring supports (probed, never guessed from the version).
#pragma once

#include <liburing.h>

#include <string>

namespace zc::workloads {

class Ring {
public:
  explicit Ring(unsigned entries = 8);
  ~Ring();
  Ring(const Ring &) = delete;
  Ring &operator=(const Ring &) = delete;
  io_uring *get() { return &ring_; }

  io_uring_sqe *sqe();
  // Submits and waits for one completion; returns it (the caller sees it).
  io_uring_cqe *wait();

private:
  io_uring ring_{};
};

// Empty when io_uring works here and supports every opcode given; else why not.
std::string uring_missing(std::initializer_list<int> opcodes);

} // namespace zc::workloads
