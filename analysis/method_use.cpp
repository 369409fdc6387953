#include "method_use.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "syscall_names.h"
#include "text_table.h"
#include "units.h"

namespace zc::analysis {

namespace {

FdRef src_of(const zc_flow_key &k) { return {k.src_fd, k.src_kind, k.src_ino, 1}; }
FdRef dst_of(const zc_flow_key &k) { return {k.dst_fd, k.dst_kind, k.dst_ino, 1}; }

bool same(const FdRef &a, const FdRef &b) {
  return a.fd == b.fd && a.ino == b.ino && a.kind == b.kind;
}

bool is_file(std::uint8_t kind) { return kind == ZC_FD_REG || kind == ZC_FD_REG_DIRECT; }
bool carries_data(std::uint8_t kind) { return kind != ZC_FD_NONE && kind != ZC_FD_OTHER; }

enum class Family {
  Read,
  Write,
  Mmap,
  Sendfile,
  Splice,
  Tee,
  Vmsplice,
  CopyFileRange,
  IoUring,
  Aio,
  Other
};

Family family_of(std::uint16_t nr) {
  const std::string name = syscall_name(nr);
  if (name == "io_uring_enter")
    return Family::IoUring;
  if (name == "io_submit")
    return Family::Aio;
  if (name == "read" || name == "pread64" || name == "readv" || name == "preadv" ||
      name == "preadv2" || name == "recvfrom" || name == "recvmsg")
    return Family::Read;
  if (name == "write" || name == "pwrite64" || name == "writev" || name == "pwritev" ||
      name == "pwritev2" || name == "sendto" || name == "sendmsg")
    return Family::Write;
  if (name == "mmap")
    return Family::Mmap;
  if (name == "sendfile")
    return Family::Sendfile;
  if (name == "splice")
    return Family::Splice;
  if (name == "tee")
    return Family::Tee;
  if (name == "vmsplice")
    return Family::Vmsplice;
  if (name == "copy_file_range")
    return Family::CopyFileRange;
  return Family::Other;
}

// One side of a pairing: a descriptor (or a kind of them) and what moved
// through it.
struct Side {
  FdRef fd;
  std::map<std::string, std::uint64_t> calls;
  std::uint64_t bytes = 0;
  bool used = false;
};

Side &side_of(std::vector<Side> &sides, const FdRef &fd) {
  auto it = std::find_if(sides.begin(), sides.end(), [&](const Side &s) { return same(s.fd, fd); });
  if (it != sides.end())
    return *it;
  sides.push_back({fd, {}, 0, false});
  return sides.back();
}

void add_side(std::vector<Side> &sides, const FdRef &fd, const FlowSample &f,
              const char *name = nullptr) {
  Side &s = side_of(sides, fd);
  s.calls[name ? name : syscall_name(f.key.nr)] += f.val.calls;
  s.bytes += f.val.bytes;
}

void merge_calls(std::map<std::string, std::uint64_t> &into,
                 const std::map<std::string, std::uint64_t> &from) {
  for (const auto &[name, n] : from)
    into[name] += n;
}

bool bytes_match(std::uint64_t a, std::uint64_t b) {
  const double big = static_cast<double>(std::max(a, b));
  return big > 0 && std::fabs(static_cast<double>(a) - static_cast<double>(b)) <= big * 0.01;
}

// What entered a pipe (by inode) and what left it.
struct PipeEnds {
  std::vector<const FlowSample *> in, out;
  std::set<std::uint64_t> teed_from; // pipes tee copied into this one
};

// Pairs sides of `from` with sides of `to` that moved the same bytes (one
// descriptor with one descriptor, then each kind of one with each kind of
// the other: reads of several files written to one socket kind), as rows
// of `method`. A row's bytes are the lesser side's: what went from one to
// the other, without what the process wrote from elsewhere (the headers an
// HTTP server builds in memory and writes with the file's bytes).
void pair_sides(std::vector<Side> &from, std::vector<Side> &to, std::uint32_t tgid,
                const std::string &method, const std::string &how, std::vector<MethodUse> &out) {
  auto row = [&](const FdRef &f, const FdRef &t, std::map<std::string, std::uint64_t> calls,
                 std::uint64_t bytes) {
    MethodUse u{tgid, method, f, t, std::move(calls), bytes, how, {}};
    if (method == "read+write" && f.kind == ZC_FD_REG_DIRECT)
      u.method = "direct_io";
    out.push_back(std::move(u));
  };
  for (Side &r : from)
    for (Side &w : to)
      if (!r.used && !w.used && !same(r.fd, w.fd) && bytes_match(r.bytes, w.bytes)) {
        std::map<std::string, std::uint64_t> calls = r.calls;
        merge_calls(calls, w.calls);
        row(r.fd, w.fd, std::move(calls), std::min(r.bytes, w.bytes));
        r.used = w.used = true;
      }
  // By kind: what is left of each.
  std::map<std::uint8_t, std::vector<Side *>> from_kind, to_kind;
  for (Side &r : from)
    if (!r.used && r.bytes)
      from_kind[r.fd.kind].push_back(&r);
  for (Side &w : to)
    if (!w.used && w.bytes)
      to_kind[w.fd.kind].push_back(&w);
  auto total = [](const std::vector<Side *> &sides) {
    std::uint64_t n = 0;
    for (const Side *s : sides)
      n += s->bytes;
    return n;
  };
  auto merged = [](const std::vector<Side *> &sides) {
    FdRef fd = sides.front()->fd;
    if (sides.size() > 1) {
      fd.fd = -1;
      fd.ino = 0;
      fd.objects = static_cast<std::uint32_t>(sides.size());
    }
    return fd;
  };
  for (auto &[fk, rs] : from_kind)
    for (auto &[tk, ws] : to_kind) {
      if ((rs.size() < 2 && ws.size() < 2) || rs.front()->used || ws.front()->used)
        continue;
      if (!bytes_match(total(rs), total(ws)))
        continue;
      std::map<std::string, std::uint64_t> calls;
      for (Side *s : rs) {
        merge_calls(calls, s->calls);
        s->used = true;
      }
      for (Side *s : ws) {
        merge_calls(calls, s->calls);
        s->used = true;
      }
      row(merged(rs), merged(ws), std::move(calls), std::min(total(rs), total(ws)));
    }
}

// The flows of one process.
std::vector<MethodUse> uses_of_process(std::uint32_t tgid, const std::vector<FlowSample> &flows) {
  std::vector<MethodUse> out;
  std::vector<Side> reads, writes, maps, ring_in, ring_out, ring_calls, aio_in, aio_out;
  std::map<std::pair<std::uint64_t, std::tuple<int, std::uint8_t, std::uint64_t>>,
           std::vector<const FlowSample *>>
      mapped_writes, zerocopy;
  std::set<std::uint64_t> mapped_used; // files whose mapping a row already names
  std::map<std::uint64_t, PipeEnds> pipes;

  for (const FlowSample &f : flows) {
    const zc_flow_key &k = f.key;
    switch (family_of(k.nr)) {
    case Family::Read:
      add_side(reads, src_of(k), f);
      break;
    case Family::Write: {
      const bool from_mapping = k.src_kind == ZC_FD_MAPPED;
      const auto key = std::make_pair(from_mapping ? k.src_ino : 0,
                                      std::make_tuple(k.dst_fd, k.dst_kind, k.dst_ino));
      if (k.flags & ZC_FLOW_ZEROCOPY)
        zerocopy[key].push_back(&f);
      else if (from_mapping)
        mapped_writes[key].push_back(&f);
      else
        add_side(writes, dst_of(k), f);
      break;
    }
    case Family::IoUring:
      // Completions carry the request's descriptor and bytes; the syscalls
      // only the ring's.
      if (carries_data(k.src_kind))
        add_side(ring_in, src_of(k), f, "io_uring requests");
      else if (carries_data(k.dst_kind))
        add_side(ring_out, dst_of(k), f, "io_uring requests");
      else
        add_side(ring_calls, {-1, ZC_FD_OTHER, 0, 1}, f);
      break;
    case Family::Aio:
      if (carries_data(k.src_kind))
        add_side(aio_in, src_of(k), f);
      else if (carries_data(k.dst_kind))
        add_side(aio_out, dst_of(k), f);
      break;
    case Family::Mmap:
      if (is_file(k.src_kind))
        add_side(maps, src_of(k), f);
      break;
    case Family::Sendfile:
    case Family::CopyFileRange:
      out.push_back({tgid,
                     family_of(k.nr) == Family::Sendfile ? "sendfile" : "copy_file_range",
                     src_of(k),
                     dst_of(k),
                     {{syscall_name(k.nr), f.val.calls}},
                     f.val.bytes,
                     "one syscall moves the data from one descriptor to the other",
                     {}});
      break;
    case Family::Splice:
    case Family::Vmsplice:
      if (k.dst_kind == ZC_FD_FIFO)
        pipes[k.dst_ino].in.push_back(&f);
      if (k.src_kind == ZC_FD_FIFO)
        pipes[k.src_ino].out.push_back(&f);
      break;
    case Family::Tee:
      pipes[k.dst_ino].teed_from.insert(k.src_ino);
      pipes[k.dst_ino].in.push_back(&f);
      break;
    case Family::Other:
      break;
    }
  }

  auto mapped_file = [&](std::uint64_t ino) -> std::optional<FdRef> {
    if (!ino)
      return std::nullopt;
    mapped_used.insert(ino);
    for (const Side &m : maps)
      if (m.fd.ino == ino)
        return m.fd;
    return FdRef{-1, ZC_FD_MAPPED, ino, 1};
  };
  auto calls_of = [](const std::vector<const FlowSample *> &fs, std::uint64_t &bytes) {
    std::map<std::string, std::uint64_t> calls;
    for (const FlowSample *f : fs) {
      calls[syscall_name(f->key.nr)] += f->val.calls;
      bytes += f->val.bytes;
    }
    return calls;
  };

  // Through pipes: what entered a pipe (from a descriptor, or from user
  // memory by vmsplice) and left it, for a descriptor or for user memory.
  for (const auto &[ino, ends] : pipes) {
    for (const FlowSample *o : ends.out) {
      if (o->key.dst_kind == ZC_FD_FIFO)
        continue;
      const PipeEnds *origin = &ends;
      bool teed = false;
      if (!ends.teed_from.empty())
        if (auto it = pipes.find(*ends.teed_from.begin()); it != pipes.end()) {
          origin = &it->second;
          teed = true;
        }
      MethodUse u;
      u.tgid = tgid;
      if (o->key.dst_kind != ZC_FD_NONE)
        u.to = dst_of(o->key);
      u.bytes = o->val.bytes;
      u.calls[syscall_name(o->key.nr)] += o->val.calls;
      bool vmspliced = false;
      for (const FlowSample *i : origin->in) {
        if (family_of(i->key.nr) == Family::Tee)
          continue;
        u.calls[syscall_name(i->key.nr)] += i->val.calls;
        if (family_of(i->key.nr) == Family::Vmsplice) {
          vmspliced = true;
          if (!u.from)
            u.from = mapped_file(i->key.src_kind == ZC_FD_MAPPED ? i->key.src_ino : 0);
        } else if (!u.from) {
          u.from = src_of(i->key);
        }
      }
      if (teed)
        for (const FlowSample *i : ends.in)
          if (family_of(i->key.nr) == Family::Tee)
            u.calls["tee"] += i->val.calls;
      if (!u.to) {
        u.method = "splice+vmsplice";
        u.how = "spliced into a pipe (inode " + std::to_string(ino) +
                "), taken out of it into user memory by vmsplice (a copy)";
      } else if (vmspliced) {
        u.method = "vmsplice";
        u.how = "user memory spliced into a pipe (vmsplice), the pipe spliced to the descriptor";
      } else if (teed) {
        u.method = "tee";
        u.how = "spliced into a pipe, duplicated into another by tee, spliced out of it";
      } else {
        u.method = "splice";
        u.how = "spliced into a pipe (inode " + std::to_string(ino) + ") and out of it";
      }
      out.push_back(std::move(u));
    }
  }

  for (const auto &[key, fs] : zerocopy) {
    std::uint64_t bytes = 0;
    MethodUse u{tgid,
                "msg_zerocopy",
                mapped_file(key.first),
                dst_of(fs.front()->key),
                calls_of(fs, bytes),
                0,
                "sends with MSG_ZEROCOPY",
                {}};
    u.bytes = bytes;
    if (u.from)
      u.how += ", of a mapping of the file";
    out.push_back(std::move(u));
  }
  for (const auto &[key, fs] : mapped_writes) {
    std::uint64_t bytes = 0;
    MethodUse u{tgid,
                "mmap+write",
                mapped_file(key.first),
                dst_of(fs.front()->key),
                calls_of(fs, bytes),
                0,
                "written from user memory that maps the file (the write's buffer lies in "
                "that mapping)",
                {}};
    u.bytes = bytes;
    for (const Side &m : maps)
      if (m.fd.ino == key.first)
        merge_calls(u.calls, m.calls);
    out.push_back(std::move(u));
  }

  // io_uring: what its requests read and wrote, paired where the bytes match
  // (a file read into memory and sent, as read+write through a ring).
  pair_sides(ring_in, ring_out, tgid, "io_uring",
             "requests through an io_uring ring read from one descriptor and wrote to the "
             "other",
             out);
  for (const Side &s : ring_in)
    if (!s.used)
      out.push_back({tgid,
                     "io_uring",
                     s.fd,
                     std::nullopt,
                     s.calls,
                     s.bytes,
                     "requests through an io_uring ring read into user memory",
                     {}});
  for (const Side &s : ring_out)
    if (!s.used)
      out.push_back({tgid,
                     "io_uring",
                     std::nullopt,
                     s.fd,
                     s.calls,
                     s.bytes,
                     "requests through an io_uring ring wrote from user memory",
                     {}});
  for (const Side &s : ring_calls) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const MethodUse &u) { return u.method == "io_uring"; });
    if (it != out.end())
      merge_calls(it->calls, s.calls);
    else
      out.push_back({tgid,
                     "io_uring",
                     std::nullopt,
                     std::nullopt,
                     s.calls,
                     0,
                     "io_uring_enter calls whose requests moved no file or socket data",
                     {}});
  }
  for (const Side &s : aio_in)
    out.push_back({tgid,
                   "libaio",
                   s.fd,
                   std::nullopt,
                   s.calls,
                   s.bytes,
                   "iocbs submitted with io_submit read into user memory",
                   {}});
  for (const Side &s : aio_out)
    out.push_back({tgid,
                   "libaio",
                   std::nullopt,
                   s.fd,
                   s.calls,
                   s.bytes,
                   "iocbs submitted with io_submit wrote from user memory",
                   {}});

  pair_sides(reads, writes, tgid, "read+write",
             "what the process read from one descriptor it wrote to the other", out);
  for (const Side &m : maps)
    if (!mapped_used.count(m.fd.ino))
      out.push_back({tgid,
                     "mmap",
                     m.fd,
                     std::nullopt,
                     m.calls,
                     m.bytes,
                     "mapped, and read through the mapping (page faults) or not at all",
                     {}});
  for (const Side &r : reads)
    if (!r.used)
      out.push_back({tgid,
                     "read",
                     r.fd,
                     std::nullopt,
                     r.calls,
                     r.bytes,
                     "read into user memory; where it went could not be told",
                     {}});
  for (const Side &w : writes)
    if (!w.used)
      out.push_back({tgid,
                     "write",
                     std::nullopt,
                     w.fd,
                     w.calls,
                     w.bytes,
                     "written from user memory; where it came from could not be told",
                     {}});
  return out;
}

std::uint8_t kind_of(const std::optional<FdRef> &fd) {
  return fd ? fd->kind : static_cast<std::uint8_t>(ZC_FD_NONE);
}

// Two sides of one kind as one: the same descriptor; one file through
// several descriptors (a server opens it once per request); or N of them.
FdRef merge_fd(const FdRef &a, const FdRef &b) {
  if (same(a, b))
    return a;
  if (a.ino && a.ino == b.ino && a.kind == b.kind)
    return {-1, a.kind, a.ino, 1};
  return {-1, a.kind, 0, a.objects + b.objects};
}

} // namespace

std::vector<MethodUse> method_uses(const std::vector<FlowSample> &flows,
                                   const std::map<std::uint32_t, std::string> &roles) {
  std::map<std::uint32_t, std::vector<FlowSample>> by_process;
  for (const FlowSample &f : flows)
    by_process[f.key.tgid].push_back(f);
  std::vector<MethodUse> out;
  for (const auto &[tgid, list] : by_process) {
    auto uses = uses_of_process(tgid, list);
    if (auto it = roles.find(tgid); it != roles.end())
      for (MethodUse &u : uses)
        u.role = it->second;
    std::sort(uses.begin(), uses.end(),
              [](const MethodUse &a, const MethodUse &b) { return a.bytes > b.bytes; });
    out.insert(out.end(), uses.begin(), uses.end());
  }
  return out;
}

std::vector<MethodUse> fold_for_display(const std::vector<MethodUse> &uses) {
  std::vector<MethodUse> out;
  std::map<std::uint32_t, MethodUse> small; // by process
  for (const MethodUse &u : uses) {
    const bool incidental = (u.method == "read" || u.method == "mmap") && u.bytes < kSmallRead;
    if (incidental || (u.bytes == 0 && (u.method == "read" || u.method == "write"))) {
      auto [it, fresh] = small.try_emplace(u.tgid);
      MethodUse &s = it->second;
      const FdRef from = u.from ? *u.from : FdRef{-1, ZC_FD_NONE, 0, 1};
      if (fresh) {
        // One object folded keeps its descriptor and inode.
        s = {u.tgid,
             "small reads",
             from,
             std::nullopt,
             {},
             0,
             "reads and mappings of under 64 KiB each (libraries, configuration), folded",
             u.role};
      } else {
        const std::uint8_t kind =
            s.from->kind == from.kind ? from.kind : static_cast<std::uint8_t>(ZC_FD_OTHER);
        s.from = merge_fd(*s.from, from);
        s.from->kind = kind;
      }
      merge_calls(s.calls, u.calls);
      s.bytes += u.bytes;
      continue;
    }
    auto same_kind = std::find_if(out.begin(), out.end(), [&](const MethodUse &o) {
      return o.tgid == u.tgid && o.method == u.method && kind_of(o.from) == kind_of(u.from) &&
             kind_of(o.to) == kind_of(u.to);
    });
    if (same_kind == out.end()) {
      out.push_back(u);
      continue;
    }
    if (same_kind->from && u.from)
      same_kind->from = merge_fd(*same_kind->from, *u.from);
    if (same_kind->to && u.to)
      same_kind->to = merge_fd(*same_kind->to, *u.to);
    merge_calls(same_kind->calls, u.calls);
    same_kind->bytes += u.bytes;
  }
  for (auto &[_, s] : small)
    out.push_back(std::move(s));
  return out;
}

std::string fd_kind_name(std::uint8_t kind) {
  switch (kind) {
  case ZC_FD_REG:
    return "file";
  case ZC_FD_REG_DIRECT:
    return "file, O_DIRECT";
  case ZC_FD_FIFO:
    return "pipe";
  case ZC_FD_SOCK:
    return "socket";
  case ZC_FD_OTHER:
    return "other";
  case ZC_FD_MAPPED:
    return "mapped file";
  default:
    return "none";
  }
}

std::string describe(const FdRef &fd) {
  if (fd.objects > 1)
    return std::to_string(fd.objects) + " " + fd_kind_name(fd.kind) + "s";
  if (fd.kind == ZC_FD_SOCK && fd.ino == 0)
    return "sockets";
  if (fd.kind == ZC_FD_MAPPED)
    return "mapping of inode " + std::to_string(fd.ino);
  if (fd.objects == 0)
    return "-";
  return (fd.fd >= 0 ? "fd " + std::to_string(fd.fd) + " " : std::string()) + "(" +
         fd_kind_name(fd.kind) + ", inode " + std::to_string(fd.ino) + ")";
}

nlohmann::json to_json(const MethodUse &u) {
  auto fd_json = [](const std::optional<FdRef> &fd) -> nlohmann::json {
    if (!fd)
      return nullptr;
    return {{"fd", fd->fd >= 0 ? nlohmann::json(fd->fd) : nlohmann::json(nullptr)},
            {"kind", fd_kind_name(fd->kind)},
            {"inode", fd->ino ? nlohmann::json(fd->ino) : nlohmann::json(nullptr)},
            {"objects", fd->objects}};
  };
  return {{"pid", u.tgid},           {"role", u.role},      {"method", u.method},
          {"from", fd_json(u.from)}, {"to", fd_json(u.to)}, {"calls", u.calls},
          {"bytes", u.bytes},        {"how", u.how}};
}

std::string render_method_uses(const std::vector<MethodUse> &uses) {
  TextTable t({"  pid", "role", "method", "from", "to", "syscalls", "bytes"});
  for (const MethodUse &u : fold_for_display(uses)) {
    std::string calls;
    for (const auto &[name, n] : u.calls)
      calls += (calls.empty() ? "" : ", ") + name + " x" + thousands(n);
    t.add({"  " + std::to_string(u.tgid), u.role.empty() ? "-" : u.role, u.method,
           u.from ? describe(*u.from) : "user memory", u.to ? describe(*u.to) : "user memory",
           calls, thousands(u.bytes)});
  }
  return t.render();
}

} // namespace zc::analysis
