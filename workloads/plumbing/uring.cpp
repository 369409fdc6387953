#include "uring.h"

#include <cerrno>
#include <memory>

#include "error.h"
#include "workload.h"

namespace zc::workloads {

Ring::Ring(unsigned entries) {
  note_call("io_uring_setup");
  if (const int rc = io_uring_queue_init(entries, &ring_, 0); rc < 0)
    throw Error("io_uring_queue_init: " + errno_text(-rc));
  // liburing maps the submission ring, the completion ring (the same
  // mapping with IORING_FEAT_SINGLE_MMAP) and the submission entries.
  const int mappings = (ring_.features & IORING_FEAT_SINGLE_MMAP) ? 2 : 3;
  for (int i = 0; i < mappings; ++i)
    note_call("mmap");
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
  // Waiting for one completion always enters the kernel once (liburing's
  // __io_uring_submit: wait_nr > 0), and leaves that completion ready.
  do
    note_call("io_uring_enter");
  while ((rc = io_uring_submit_and_wait(&ring_, 1)) == -EINTR);
  if (rc < 0)
    throw Error("io_uring_submit_and_wait: " + errno_text(-rc));
  if (io_uring_peek_cqe(&ring_, &cqe) == 0 && cqe)
    return cqe;
  do
    note_call("io_uring_enter");
  while ((rc = io_uring_wait_cqe(&ring_, &cqe)) == -EINTR);
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
