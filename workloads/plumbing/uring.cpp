#include "uring.h"

#include <cerrno>
#include <memory>

#include "error.h"

namespace zc::workloads {

Ring::Ring(unsigned entries) {
  if (const int rc = io_uring_queue_init(entries, &ring_, 0); rc < 0)
    throw Error("io_uring_queue_init: " + errno_text(-rc));
}

Ring::~Ring() { io_uring_queue_exit(&ring_); }

io_uring_sqe *Ring::sqe() {
  io_uring_sqe *s = io_uring_get_sqe(&ring_);
  if (!s)
    throw Error("the io_uring submission queue is full");
  return s;
}

io_uring_cqe *Ring::wait() {
  io_uring_cqe *cqe = nullptr;
  int rc;
  while ((rc = io_uring_submit_and_wait(&ring_, 1)) == -EINTR) {
  }
  if (rc < 0)
    throw Error("io_uring_submit_and_wait: " + errno_text(-rc));
  while ((rc = io_uring_wait_cqe(&ring_, &cqe)) == -EINTR) {
  }
  if (rc < 0)
    throw Error("io_uring_wait_cqe: " + errno_text(-rc));
  return cqe;
}

std::string uring_missing(std::initializer_list<int> opcodes) {
  io_uring ring{};
  if (const int rc = io_uring_queue_init(2, &ring, 0); rc < 0)
    return "io_uring cannot be used here: " + errno_text(-rc) +
           (rc == -EPERM ? " (kernel.io_uring_disabled?)" : "");
  std::unique_ptr<io_uring_probe, decltype(&io_uring_free_probe)> probe(
      io_uring_get_probe_ring(&ring), &io_uring_free_probe);
  std::string missing;
  if (!probe)
    missing = "this kernel's io_uring cannot be probed for its opcodes";
  for (int op : opcodes)
    if (probe && !io_uring_opcode_supported(probe.get(), op))
      missing += (missing.empty() ? "" : "; ") +
                 std::string("this kernel's io_uring lacks opcode ") + std::to_string(op);
  io_uring_queue_exit(&ring);
  return missing;
}

} // namespace zc::workloads
