#include "method_use.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "syscall_names.h"
#include "text_table.h"

namespace zc::analysis {

namespace {

FdRef src_of(const zc_flow_key &k) { return {k.src_fd, k.src_kind, k.src_ino}; }
FdRef dst_of(const zc_flow_key &k) { return {k.dst_fd, k.dst_kind, k.dst_ino}; }

bool same(const FdRef &a, const FdRef &b) { return a.fd == b.fd && a.ino == b.ino; }

bool is_file(std::uint8_t kind) { return kind == ZC_FD_REG || kind == ZC_FD_REG_DIRECT; }

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
  Other
};

Family family_of(std::uint16_t nr) {
  const std::string name = syscall_name(nr);
  if (name == "io_uring_enter")
    return Family::IoUring;
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

// One side of a read/write pairing: a descriptor and what moved through it.
struct Side {
  FdRef fd;
  std::map<std::string, std::uint64_t> calls;
  std::uint64_t bytes = 0;
};

void add_side(std::vector<Side> &sides, const FdRef &fd, const FlowSample &f) {
  auto it = std::find_if(sides.begin(), sides.end(), [&](const Side &s) { return same(s.fd, fd); });
  if (it == sides.end()) {
    sides.push_back({fd, {}, 0});
    it = sides.end() - 1;
  }
  it->calls[syscall_name(f.key.nr)] += f.val.calls;
  it->bytes += f.val.bytes;
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

// The flows of one process.
std::vector<MethodUse> uses_of_process(std::uint32_t tgid, const std::vector<FlowSample> &flows) {
  std::vector<MethodUse> out;
  std::vector<Side> reads, writes, maps, zerocopy_sends, rings;
  // Pipes by inode: what went in (splice from X, vmsplice) and came out.
  struct PipeEnds {
    std::vector<const FlowSample *> in, out;
    std::set<std::uint64_t> teed_from; // pipes tee copied into this one
  };
  std::map<std::uint64_t, PipeEnds> pipes;

  for (const FlowSample &f : flows) {
    const zc_flow_key &k = f.key;
    switch (family_of(k.nr)) {
    case Family::Read:
      add_side(reads, src_of(k), f);
      break;
    case Family::Write:
      add_side((k.flags & ZC_FLOW_ZEROCOPY) ? zerocopy_sends : writes, dst_of(k), f);
      break;
    case Family::IoUring:
      add_side(rings, src_of(k), f);
      break;
    case Family::Mmap:
      if (is_file(k.src_kind))
        add_side(maps, src_of(k), f);
      break;
    case Family::Sendfile:
    case Family::CopyFileRange: {
      MethodUse u{tgid,
                  family_of(k.nr) == Family::Sendfile ? "sendfile" : "copy_file_range",
                  src_of(k),
                  dst_of(k),
                  {{syscall_name(k.nr), f.val.calls}},
                  f.val.bytes,
                  "one syscall moves the data from one descriptor to the other"};
      out.push_back(std::move(u));
      break;
    }
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

  // Through pipes: what entered a pipe (from a descriptor, or from user
  // memory by vmsplice) and left it for a descriptor that is not a pipe.
  for (const auto &[ino, ends] : pipes) {
    for (const FlowSample *o : ends.out) {
      if (o->key.dst_kind == ZC_FD_FIFO || o->key.dst_kind == ZC_FD_NONE)
        continue;
      // Follow tee back to the pipe the data first entered.
      const PipeEnds *origin = &ends;
      bool teed = false;
      if (!ends.teed_from.empty())
        if (auto it = pipes.find(*ends.teed_from.begin()); it != pipes.end()) {
          origin = &it->second;
          teed = true;
        }
      MethodUse u;
      u.tgid = tgid;
      u.to = dst_of(o->key);
      u.bytes = o->val.bytes;
      u.calls[syscall_name(o->key.nr)] += o->val.calls;
      bool vmspliced = false;
      for (const FlowSample *i : origin->in) {
        if (family_of(i->key.nr) == Family::Tee)
          continue;
        u.calls[syscall_name(i->key.nr)] += i->val.calls;
        if (family_of(i->key.nr) == Family::Vmsplice)
          vmspliced = true;
        else if (!u.from)
          u.from = src_of(i->key);
      }
      if (teed)
        for (const FlowSample *i : ends.in)
          if (family_of(i->key.nr) == Family::Tee)
            u.calls["tee"] += i->val.calls;
      if (vmspliced) {
        u.method = "vmsplice";
        if (maps.size() == 1) {
          u.from = maps.front().fd;
          merge_calls(u.calls, maps.front().calls);
          maps.clear();
        }
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

  for (const Side &s : zerocopy_sends) {
    MethodUse u{tgid,
                "msg_zerocopy",
                maps.size() == 1 ? std::optional<FdRef>(maps.front().fd) : std::nullopt,
                s.fd,
                s.calls,
                s.bytes,
                "sends with MSG_ZEROCOPY" +
                    std::string(maps.size() == 1 ? ", of the one file the process mapped" : "")};
    if (maps.size() == 1)
      merge_calls(u.calls, maps.front().calls);
    out.push_back(std::move(u));
  }
  if (!zerocopy_sends.empty() && maps.size() == 1)
    maps.clear();
  for (const Side &s : rings)
    out.push_back({tgid, "io_uring", s.fd, std::nullopt, s.calls, 0,
                   "requests through an io_uring ring: the descriptors they use are in the ring, "
                   "not in the syscalls"});

  // Reads paired with writes of the same byte count.
  std::vector<bool> read_used(reads.size()), write_used(writes.size());
  auto pair_up = [&](std::size_t r, std::size_t w, const std::string &how) {
    MethodUse u{tgid,           "read+write",    reads[r].fd, writes[w].fd,
                reads[r].calls, writes[w].bytes, how};
    if (reads[r].fd.kind == ZC_FD_REG_DIRECT)
      u.method = "direct_io";
    merge_calls(u.calls, writes[w].calls);
    out.push_back(std::move(u));
    read_used[r] = write_used[w] = true;
  };
  for (std::size_t r = 0; r < reads.size(); ++r)
    for (std::size_t w = 0; w < writes.size(); ++w)
      if (!read_used[r] && !write_used[w] && !same(reads[r].fd, writes[w].fd) &&
          bytes_match(reads[r].bytes, writes[w].bytes))
        pair_up(r, w, "what the process read from one descriptor it wrote to the other");
  // Writes of a mapped file, about as many bytes as were mapped: mmap+write.
  if (maps.size() == 1)
    for (std::size_t w = 0; w < writes.size(); ++w)
      if (!write_used[w] && writes[w].bytes * 2 >= maps.front().bytes &&
          writes[w].bytes <= maps.front().bytes + maps.front().bytes / 100) {
        MethodUse u{tgid,
                    "mmap+write",
                    maps.front().fd,
                    writes[w].fd,
                    maps.front().calls,
                    writes[w].bytes,
                    "the process mapped one file (shared) and wrote to a descriptor"};
        merge_calls(u.calls, writes[w].calls);
        out.push_back(std::move(u));
        write_used[w] = true;
      }
  for (std::size_t r = 0; r < reads.size(); ++r)
    if (!read_used[r])
      out.push_back({tgid, "read", reads[r].fd, std::nullopt, reads[r].calls, reads[r].bytes,
                     "read into user memory; where it went could not be told"});
  for (std::size_t w = 0; w < writes.size(); ++w)
    if (!write_used[w])
      out.push_back({tgid, "write", std::nullopt, writes[w].fd, writes[w].calls, writes[w].bytes,
                     "written from user memory; where it came from could not be told"});
  return out;
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
  default:
    return "none";
  }
}

std::string describe(const FdRef &fd) {
  return "fd " + std::to_string(fd.fd) + " (" + fd_kind_name(fd.kind) + ", inode " +
         std::to_string(fd.ino) + ")";
}

nlohmann::json to_json(const MethodUse &u) {
  auto fd_json = [](const std::optional<FdRef> &fd) -> nlohmann::json {
    if (!fd)
      return nullptr;
    return {{"fd", fd->fd}, {"kind", fd_kind_name(fd->kind)}, {"inode", fd->ino}};
  };
  return {{"pid", u.tgid},           {"role", u.role},      {"method", u.method},
          {"from", fd_json(u.from)}, {"to", fd_json(u.to)}, {"calls", u.calls},
          {"bytes", u.bytes},        {"how", u.how}};
}

std::string render_method_uses(const std::vector<MethodUse> &uses) {
  TextTable t({"  pid", "role", "method", "from", "to", "syscalls", "bytes"});
  for (const MethodUse &u : uses) {
    std::string calls;
    for (const auto &[name, n] : u.calls)
      calls += (calls.empty() ? "" : ", ") + name + " x" + std::to_string(n);
    t.add({"  " + std::to_string(u.tgid), u.role.empty() ? "-" : u.role, u.method,
           u.from ? describe(*u.from) : "-", u.to ? describe(*u.to) : "-", calls,
           thousands(u.bytes)});
  }
  return t.render();
}

} // namespace zc::analysis
