// io_uring_rw: io_uring reads the file into a user buffer and sends the
// buffer to the socket (a READ linked to a SEND per chunk): the copies of
// read+write, made by io_uring - inline in io_uring_enter(), or, with
// --io-wq, by io-wq worker threads outside any syscall.
#include <fcntl.h>

#include <algorithm>
#include <vector>

#include "error.h"
#include "io.h"
#include "uring.h"
#include "workload.h"

namespace zc::workloads {

class IoUringRw final : public Workload {
public:
  std::string_view name() const override { return "io_uring_rw"; }
  std::string_view summary() const override {
    return "io_uring READ of the file into a buffer, then io_uring SEND of the buffer";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  bool uses_io_uring() const override { return true; }
  std::string unavailable_reason() const override;
  void send(const SourceContext &ctx) const override;
};

std::string IoUringRw::unavailable_reason() const {
  return uring_missing({IORING_OP_READ, IORING_OP_SEND});
}

void IoUringRw::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  Ring ring;
  const unsigned async = ctx.options.io_wq ? IOSQE_ASYNC : 0;
  std::vector<char> buf(ctx.chunk);
  std::uint64_t read_bytes = 0, sent_bytes = 0;
  for (std::uint64_t off = 0; off < ctx.size;) {
    const unsigned len = static_cast<unsigned>(std::min(ctx.chunk, ctx.size - off));
    io_uring_sqe *r = ring.sqe();
    io_uring_prep_read(r, file.get(), buf.data(), len, off);
    io_uring_sqe_set_data64(r, 1);
    r->flags |= async;
    io_uring_cqe *cqe = ring.wait();
    const int got = cqe->res;
    io_uring_cqe_seen(ring.get(), cqe);
    if (got < 0)
      throw Error("io_uring read: " + errno_text(-got));
    if (got == 0)
      throw Error("io_uring read: end of file at offset " + std::to_string(off));
    read_bytes += static_cast<std::uint64_t>(got);
    for (int done = 0; done < got;) {
      io_uring_sqe *s = ring.sqe();
      io_uring_prep_send(s, sock.get(), buf.data() + done, static_cast<size_t>(got - done), 0);
      io_uring_sqe_set_data64(s, 2);
      s->flags |= async;
      cqe = ring.wait();
      const int n = cqe->res;
      io_uring_cqe_seen(ring.get(), cqe);
      if (n <= 0)
        throw Error("io_uring send: " + (n < 0 ? errno_text(-n) : std::string("sent nothing")));
      done += n;
      sent_bytes += static_cast<std::uint64_t>(n);
    }
    off += static_cast<std::uint64_t>(got);
  }
  ctx.reporter->report("uring.read_bytes", read_bytes);
  ctx.reporter->report("uring.send_bytes", sent_bytes);
}

namespace {
const Registered<IoUringRw> registered(90);
} // namespace

} // namespace zc::workloads
