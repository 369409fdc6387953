// io_uring_send_zc: the file is mapped and each chunk sent with
// IORING_OP_SEND_ZC, asking with IORING_SEND_ZC_REPORT_USAGE to be told in
// each notification whether the kernel copied after all
// (IORING_NOTIF_USAGE_ZC_COPIED). It shares MSG_ZEROCOPY's machinery: on
// loopback the pages are copied later (skb_copy_ubufs).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>

#include "error.h"
#include "io.h"
#include "uring.h"
#include "workload.h"

// include/uapi/linux/io_uring.h; liburing 2.3's copy predates them.
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif

namespace zc::workloads {

class IoUringSendZc final : public Workload {
public:
  std::string_view name() const override { return "io_uring_send_zc"; }
  std::string_view summary() const override {
    return "mmap() the file, io_uring SEND_ZC it with IORING_SEND_ZC_REPORT_USAGE";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  bool uses_io_uring() const override { return true; }
  std::string unavailable_reason() const override;
  void send(const SourceContext &ctx) const override;
};

namespace {

// Sends len bytes with SEND_ZC + REPORT_USAGE; returns the request's result
// CQE res and, through `copied`, whether its notification said it copied.
struct ZcSender {
  ZcSender(Ring &r, unsigned sqe_flags) : ring(r), flags(sqe_flags) {}
  Ring &ring;
  unsigned flags;
  std::uint64_t next_id = 1;
  std::map<std::uint64_t, std::uint64_t> pending; // request id -> bytes, awaiting notification
  std::uint64_t copied_sends = 0, copied_bytes = 0, notifications = 0;

  int send(int sock, const char *data, std::size_t len) {
    io_uring_sqe *s = ring.sqe();
    io_uring_prep_send_zc(s, sock, data, len, 0, IORING_SEND_ZC_REPORT_USAGE);
    s->flags |= flags;
    const std::uint64_t id = next_id++;
    io_uring_sqe_set_data64(s, id);
    while (true) {
      io_uring_cqe *cqe = ring.wait();
      const std::uint64_t cid = io_uring_cqe_get_data64(cqe);
      const int res = cqe->res;
      const unsigned cflags = cqe->flags;
      io_uring_cqe_seen(ring.get(), cqe);
      if (cflags & IORING_CQE_F_NOTIF) {
        notified(cid, static_cast<std::uint32_t>(res));
        continue;
      }
      if (cid != id)
        continue;
      if (res > 0 && (cflags & IORING_CQE_F_MORE))
        pending[id] = static_cast<std::uint64_t>(res);
      return res;
    }
  }

  void notified(std::uint64_t id, std::uint32_t res) {
    ++notifications;
    if (res & IORING_NOTIF_USAGE_ZC_COPIED) {
      ++copied_sends;
      copied_bytes += pending.count(id) ? pending[id] : 0;
    }
    pending.erase(id);
  }

  // Waits for the notifications still due.
  void finish() {
    while (!pending.empty()) {
      io_uring_cqe *cqe = ring.wait();
      const std::uint64_t cid = io_uring_cqe_get_data64(cqe);
      const int res = cqe->res;
      const unsigned cflags = cqe->flags;
      io_uring_cqe_seen(ring.get(), cqe);
      if (cflags & IORING_CQE_F_NOTIF)
        notified(cid, static_cast<std::uint32_t>(res));
    }
  }
};

} // namespace

std::string IoUringSendZc::unavailable_reason() const {
  if (std::string missing = uring_missing({IORING_OP_SEND_ZC}); !missing.empty())
    return missing;
  // REPORT_USAGE is younger than SEND_ZC: try one byte over loopback.
  std::uint16_t port = 0;
  Fd listener = listen_on("127.0.0.1", port);
  Fd client = connect_to("127.0.0.1", port);
  Fd server(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  Ring ring(4);
  ZcSender sender{ring, 0};
  const char byte = 'z';
  const int res = sender.send(client.get(), &byte, 1);
  if (res < 0)
    return "this kernel's io_uring refuses SEND_ZC with IORING_SEND_ZC_REPORT_USAGE: " +
           errno_text(-res);
  sender.finish();
  return {};
}

void IoUringSendZc::send(const SourceContext &ctx) const {
  Fd sock = ctx.connect();
  const Mapping map(ctx.path, ctx.size);
  const char *data = map.data();
  Ring ring(16);
  ZcSender sender{ring, ctx.options.io_wq ? static_cast<unsigned>(IOSQE_ASYNC) : 0u};
  std::uint64_t sends = 0;
  for (std::uint64_t off = 0; off < ctx.size;) {
    const int n = sender.send(sock.get(), data + off, std::min(ctx.chunk, ctx.size - off));
    if (n <= 0)
      throw Error("io_uring send_zc: " + (n < 0 ? errno_text(-n) : std::string("sent nothing")));
    off += static_cast<std::uint64_t>(n);
    ++sends;
  }
  sender.finish();
  ctx.reporter->report("zerocopy.sends", sends);
  ctx.reporter->report("zerocopy.copied_sends", sender.copied_sends);
  ctx.reporter->report("zerocopy.copied_bytes", sender.copied_bytes);
}

namespace {
const Registered<IoUringSendZc> registered(100);
} // namespace

} // namespace zc::workloads
