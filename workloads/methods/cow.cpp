// cow: copy-on-write, the articles' third zero-copy idea. The source maps
// the file privately and writes every page (each write copies a page-cache
// page into a private page), then forks; the child writes every page again
// (the pages are shared with the parent now: each write copies again) and
// writes its mapping to the socket (one more copy). The parent keeps its
// mapping until the child is done, so every one of the child's writes
// copies. The kernel's own view, the mapping's Anonymous bytes in
// /proc/self/smaps, is reported alongside.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <sstream>

#include "error.h"
#include "io.h"
#include "signals.h"
#include "workload.h"

namespace zc::workloads {

class Cow final : public Workload {
public:
  std::string_view name() const override { return "cow"; }
  std::string_view summary() const override {
    return "mmap() the file privately and write every page; fork; the child writes every "
           "page again and write()s the mapping to the socket";
  }
  std::vector<std::string_view> claims() const override { return {"cow"}; }
  bool forks() const override { return true; }
  void send(const SourceContext &ctx) const override;
};

namespace {

constexpr std::uint64_t kPage = 4096;

// Writes every page of the mapping with the byte it already holds: a write
// fault per page, and the data stays the file's.
void write_every_page(char *map, std::uint64_t size) {
  volatile char *p = map;
  for (std::uint64_t off = 0; off < size; off += kPage)
    p[off] = p[off];
}

// The mapping's private (copied) bytes, from the kernel's smaps.
std::uint64_t anonymous_bytes(const void *map) {
  std::istringstream smaps(read_all("/proc/self/smaps"));
  char start[32];
  std::snprintf(start, sizeof(start), "%lx-", reinterpret_cast<unsigned long>(map));
  bool in_mapping = false;
  for (std::string line; std::getline(smaps, line);) {
    if (line.rfind(start, 0) == 0) {
      in_mapping = true;
    } else if (in_mapping && line.rfind("Anonymous:", 0) == 0) {
      std::istringstream kb(line.substr(10));
      std::uint64_t v = 0;
      kb >> v;
      return v * 1024;
    }
  }
  return 0;
}

} // namespace

void Cow::send(const SourceContext &ctx) const {
  const Mapping mapping(open_file(ctx.path, O_RDONLY).get(), ctx.size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE, ctx.path + " privately");
  char *map = mapping.data();
  write_every_page(map, ctx.size);
  ctx.reporter->report("cow.parent_private_bytes", anonymous_bytes(map));

  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  Fd err_r(err[0]), err_w(err[1]);
  const pid_t child = fork();
  if (child < 0)
    throw_errno("fork the writing child");
  if (child == 0) {
    err_r.reset();
    try {
      write_every_page(map, ctx.size);
      ctx.reporter->report("cow.child_private_bytes", anonymous_bytes(map));
      Fd sock = ctx.connect();
      write_chunks(sock.get(), map, ctx.size, ctx.chunk);
      _exit(0);
    } catch (const std::exception &e) {
      const std::string msg = describe(e).message;
      (void)!write(err_w.get(), msg.data(), msg.size());
      _exit(1);
    }
  }
  err_w.reset();
  char msg[512];
  ssize_t n;
  // Noted once each read returns: by then the child, which shares the
  // call counts, has exited (the pipe's write end closes with it).
  while ((n = read(err_r.get(), msg, sizeof(msg))) < 0 && errno == EINTR)
    note_call("read");
  note_call("read");
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    ctx.reporter->died("source's child", child, WTERMSIG(status), WCOREDUMP(status));
    throw Error("the writing child (pid " + std::to_string(child) + ") was killed by " +
                signal_name(WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("the writing child failed: " + (n > 0
                                                    ? std::string(msg, static_cast<std::size_t>(n))
                                                    : "status " + std::to_string(status)));
}

namespace {
const Registered<Cow> registered(130);
} // namespace

} // namespace zc::workloads
