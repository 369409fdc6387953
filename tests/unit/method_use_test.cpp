// Which copy method a process uses, told from its descriptor flows; and the
// event trace file (Chrome Trace Event format) the event stream becomes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "chrome_trace.h"
#include "error.h"
#include "method_use.h"

namespace zc::analysis {
namespace {

// x86_64 syscall numbers.
constexpr std::uint16_t kRead = 0, kWrite = 1, kMmap = 9, kSendfile = 40, kSendto = 44,
                        kSplice = 275, kTee = 276, kVmsplice = 278;

FlowSample flow(std::uint32_t tgid, std::uint16_t nr, FdRef src, FdRef dst, std::uint64_t calls,
                std::uint64_t bytes, std::uint32_t flags = 0) {
  FlowSample f;
  f.key.tgid = tgid;
  f.key.nr = nr;
  f.key.src_kind = src.kind;
  f.key.dst_kind = dst.kind;
  f.key.src_fd = src.fd;
  f.key.dst_fd = dst.fd;
  f.key.src_ino = src.ino;
  f.key.dst_ino = dst.ino;
  f.key.flags = flags;
  f.val.calls = calls;
  f.val.bytes = bytes;
  return f;
}

const FdRef kNone{-1, ZC_FD_NONE, 0};
const FdRef kFile{3, ZC_FD_REG, 100};
const FdRef kSock{4, ZC_FD_SOCK, 200};
const FdRef kPipeIn{6, ZC_FD_FIFO, 300}; // the read end of pipe 300
const FdRef kPipeOut{7, ZC_FD_FIFO, 300};

const MethodUse *find(const std::vector<MethodUse> &uses, const std::string &method) {
  for (const MethodUse &u : uses)
    if (u.method == method)
      return &u;
  return nullptr;
}

TEST(MethodUse, ReadAndWriteOfTheSameBytesArePaired) {
  const auto uses = method_uses({flow(1, kRead, kFile, kNone, 257, 1 << 24),
                                 flow(1, kWrite, kNone, kSock, 256, 1 << 24),
                                 flow(1, kWrite, kNone, {2, ZC_FD_OTHER, 9}, 1, 40)},
                                {{1, "source"}});
  const MethodUse *rw = find(uses, "read+write");
  ASSERT_NE(rw, nullptr);
  EXPECT_EQ(rw->from->ino, 100u);
  EXPECT_EQ(rw->to->ino, 200u);
  EXPECT_EQ(rw->bytes, 1u << 24);
  EXPECT_EQ(rw->calls.at("read"), 257u);
  EXPECT_EQ(rw->calls.at("write"), 256u);
  EXPECT_EQ(rw->role, "source");
  // The 40 bytes to stderr match no read: a write on its own.
  const MethodUse *w = find(uses, "write");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->bytes, 40u);
  EXPECT_FALSE(w->from);
}

// A write whose buffer lies in a mapping of a file is mmap+write of that
// file, whatever else the process has mapped.
TEST(MethodUse, AWriteFromAMappingIsMmapWriteOfThatFile) {
  const FdRef other{5, ZC_FD_REG, 101};
  const auto uses = method_uses({flow(1, kMmap, kFile, kNone, 1, 1 << 24),
                                 flow(1, kMmap, other, kNone, 1, 1 << 20),
                                 flow(1, kWrite, {-1, ZC_FD_MAPPED, 100}, kSock, 256, 1 << 24)});
  const MethodUse *mw = find(uses, "mmap+write");
  ASSERT_NE(mw, nullptr);
  EXPECT_EQ(mw->from->ino, 100u);
  EXPECT_EQ(mw->bytes, 1u << 24);
  EXPECT_EQ(mw->calls.at("mmap"), 1u);
  // The other mapping was read through, not written: a row of its own.
  const MethodUse *m = find(uses, "mmap");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->from->ino, 101u);
  // A write from ordinary memory is not mmap+write, however much is mapped.
  const auto plain =
      method_uses({flow(1, kMmap, kFile, kNone, 1, 1 << 24), flow(1, kWrite, kNone, kSock, 1, 71)});
  EXPECT_EQ(find(plain, "mmap+write"), nullptr);
}

// A server's thousands of connections, and reads of several files, make
// one row by kind.
TEST(MethodUse, SocketsAndManyFilesAreGroupedByKind) {
  std::vector<FlowSample> flows;
  for (std::uint64_t f = 0; f < 3; ++f)
    flows.push_back(flow(1, kRead, {7, ZC_FD_REG, 500 + f}, kNone, 16, 1 << 20));
  flows.push_back(flow(1, kWrite, kNone, {-1, ZC_FD_SOCK, 0}, 48, 3 << 20));
  const auto uses = method_uses(flows);
  const MethodUse *rw = find(uses, "read+write");
  ASSERT_NE(rw, nullptr);
  EXPECT_EQ(rw->from->objects, 3u);
  EXPECT_EQ(rw->bytes, 3u << 20);
  EXPECT_EQ(describe(*rw->from), "3 files");
  EXPECT_EQ(describe(*rw->to), "sockets");
}

// In the terminal, small reads are one row per process; the JSON keeps all.
TEST(MethodUse, SmallReadsAreFoldedForDisplay) {
  std::vector<FlowSample> flows;
  for (std::uint64_t f = 0; f < 20; ++f)
    flows.push_back(flow(1, kRead, {7, ZC_FD_REG, 600 + f}, kNone, 2, 832));
  flows.push_back(flow(1, kSendfile, kFile, kSock, 256, 1 << 24));
  const auto uses = method_uses(flows);
  EXPECT_EQ(uses.size(), 21u);
  const auto shown = fold_for_display(uses);
  ASSERT_EQ(shown.size(), 2u);
  const MethodUse *small = find(shown, "small reads");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->from->objects, 20u);
  EXPECT_EQ(small->bytes, 20u * 832);
}

// A server opens the file it serves once per request: many descriptors,
// one file, shown as that file.
TEST(MethodUse, OneFileThroughManyDescriptorsIsOneFile) {
  std::vector<FlowSample> flows;
  for (int fd = 10; fd < 13; ++fd)
    flows.push_back(flow(1, kSendfile, {fd, ZC_FD_REG, 100}, {-1, ZC_FD_SOCK, 0}, 5, 5 << 14));
  const auto uses = method_uses(flows);
  EXPECT_EQ(uses.size(), 3u); // the JSON keeps each descriptor
  const auto shown = fold_for_display(uses);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(describe(*shown[0].from), "(file, inode 100)");
  EXPECT_EQ(shown[0].bytes, 3u * (5 << 14));
}

// One small read folded alone keeps its descriptor.
TEST(MethodUse, OneSmallReadKeepsItsDescriptor) {
  const auto shown = fold_for_display(method_uses({flow(1, kRead, kFile, kNone, 2, 900)}));
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].method, "small reads");
  EXPECT_EQ(describe(*shown[0].from), "fd 3 (file, inode 100)");
}

// io_uring requests and libaio iocbs show their bytes.
TEST(MethodUse, AsynchronousIoShowsItsBytes) {
  const std::uint16_t kIoUringEnter = 426, kIoSubmit = 209;
  const auto uses = method_uses({
      flow(1, kIoUringEnter, {-1, ZC_FD_REG, 100}, kNone, 256, 1 << 24, ZC_FLOW_IO_URING),
      flow(1, kIoUringEnter, kNone, {-1, ZC_FD_SOCK, 0}, 256, 1 << 24, ZC_FLOW_IO_URING),
      flow(1, kIoUringEnter, {9, ZC_FD_OTHER, 7}, kNone, 512, 0, ZC_FLOW_IO_URING),
      flow(2, kIoSubmit, {3, ZC_FD_REG_DIRECT, 100}, kNone, 64, 1 << 22, ZC_FLOW_AIO),
  });
  const MethodUse *ring = find(uses, "io_uring");
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->bytes, 1u << 24);
  EXPECT_EQ(ring->from->kind, ZC_FD_REG);
  EXPECT_EQ(ring->to->kind, ZC_FD_SOCK);
  EXPECT_EQ(ring->calls.at("io_uring_enter"), 512u);
  const MethodUse *aio = find(uses, "libaio");
  ASSERT_NE(aio, nullptr);
  EXPECT_EQ(aio->bytes, 1u << 22);
  EXPECT_EQ(aio->from->kind, ZC_FD_REG_DIRECT);
}

TEST(MethodUse, SendfileAndZeroCopySends) {
  const auto uses = method_uses(
      {flow(1, kSendfile, kFile, kSock, 256, 1 << 24), flow(2, kMmap, kFile, kNone, 1, 1 << 24),
       flow(2, kSendto, {-1, ZC_FD_MAPPED, 100}, kSock, 256, 1 << 24, ZC_FLOW_ZEROCOPY)});
  const MethodUse *sf = find(uses, "sendfile");
  ASSERT_NE(sf, nullptr);
  EXPECT_EQ(sf->tgid, 1u);
  const MethodUse *zc = find(uses, "msg_zerocopy");
  ASSERT_NE(zc, nullptr);
  EXPECT_EQ(zc->tgid, 2u);
  EXPECT_EQ(zc->from->ino, 100u);
  EXPECT_EQ(find(uses, "mmap+write"), nullptr);
}

TEST(MethodUse, PipesJoinSpliceTeeAndVmsplice) {
  // file -> pipe 300 -> socket
  const auto spliced = method_uses({flow(1, kSplice, kFile, kPipeOut, 256, 1 << 24),
                                    flow(1, kSplice, kPipeIn, kSock, 256, 1 << 24)});
  const MethodUse *s = find(spliced, "splice");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->from->ino, 100u);
  EXPECT_EQ(s->to->ino, 200u);
  EXPECT_EQ(s->calls.at("splice"), 512u);
  // file -> pipe 300, tee 300 -> 400, 400 -> socket
  const FdRef b_in{8, ZC_FD_FIFO, 400}, b_out{9, ZC_FD_FIFO, 400};
  const auto teed = method_uses({flow(1, kSplice, kFile, kPipeOut, 256, 1 << 24),
                                 flow(1, kTee, kPipeIn, b_out, 256, 1 << 24),
                                 flow(1, kSplice, b_in, kSock, 256, 1 << 24)});
  const MethodUse *t = find(teed, "tee");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->from->ino, 100u);
  EXPECT_EQ(t->to->ino, 200u);
  EXPECT_EQ(t->calls.at("tee"), 256u);
  // mapped file -> vmsplice -> pipe 300 -> socket
  const auto vm = method_uses({flow(1, kMmap, kFile, kNone, 1, 1 << 24),
                               flow(1, kVmsplice, {-1, ZC_FD_MAPPED, 100}, kPipeOut, 256, 1 << 24),
                               flow(1, kSplice, kPipeIn, kSock, 256, 1 << 24)});
  const MethodUse *v = find(vm, "vmsplice");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->from->ino, 100u);
  EXPECT_EQ(v->calls.at("vmsplice"), 256u);
  EXPECT_EQ(find(vm, "mmap+write"), nullptr);
  // file -> pipe 300 -> user memory (vmsplice out of the pipe: a copy)
  const auto out = method_uses({flow(1, kSplice, kFile, kPipeOut, 16, 1 << 20),
                                flow(1, kVmsplice, kPipeIn, kNone, 16, 1 << 20)});
  const MethodUse *o = find(out, "splice+vmsplice");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->from->ino, 100u);
  EXPECT_FALSE(o->to);
}

} // namespace
} // namespace zc::analysis

namespace zc {
namespace {

zc_event event(std::uint8_t kind, std::uint32_t tgid, std::uint64_t ts, std::uint16_t site,
               std::uint8_t dir, std::uint16_t id, std::int64_t value, std::uint64_t aux) {
  zc_event e{};
  e.ts_ns = ts;
  e.tid = tgid;
  e.tgid = tgid;
  e.kind = kind;
  e.role = ZC_ROLE_SOURCE;
  e.site = site;
  e.dir = dir;
  e.id = id;
  e.value = value;
  e.aux = aux;
  return e;
}

nlohmann::json read(const std::filesystem::path &p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(ChromeTrace, EventsBecomeSpansInstantsAndCounters) {
  const auto path = std::filesystem::temp_directory_path() / "zctrace-unit-trace.json";
  {
    ChromeTrace t(path.string());
    t.add(event(ZC_EV_SYSCALL, 77, 5000, 0, 0, 1, 65536, 2500)); // write, 2.5 us
    t.add(event(ZC_EV_PAYLOAD, 77, 6000, ZC_SITE_TCP_SENDMSG, ZC_DIR_USER_TO_KERNEL, 1, 65536, 0));
    t.add(event(ZC_EV_PAYLOAD, 77, 7000, ZC_SITE_TCP_SENDMSG, ZC_DIR_USER_TO_KERNEL, 1, 100, 0));
    t.add(event(ZC_EV_BLOCK, 12, 8000, ZC_BLOCK_READ, 0, ZC_NO_SYSCALL, 4096, 8));
    StreamStats st;
    st.submitted = 4;
    st.received = 4;
    st.lost = 3;
    st.lost_by_kind = {{"payload", 3}};
    t.finish(st);
  }
  const nlohmann::json j = read(path);
  EXPECT_EQ(j.at("schema"), kTraceEventsSchema);
  EXPECT_FALSE(j.at("otherData").at("partial").get<bool>());
  EXPECT_EQ(j.at("otherData").at("events").at("lost"), 3);
  int spans = 0, copies = 0, counters = 0, device = 0, lost_markers = 0;
  for (const auto &e : j.at("traceEvents")) {
    if (e.at("ph") == "X") {
      ++spans;
      EXPECT_EQ(e.at("name"), "write");
      EXPECT_DOUBLE_EQ(e.at("ts").get<double>(), 5.0);
      EXPECT_DOUBLE_EQ(e.at("dur").get<double>(), 2.5);
    }
    if (e.value("cat", "") == "copy") {
      ++copies;
      EXPECT_EQ(e.at("name"), "tcp_sendmsg_locked");
      EXPECT_TRUE(e.at("args").at("cpu_copy").get<bool>());
    }
    if (e.at("ph") == "C") {
      ++counters;
      if (counters == 2)
        EXPECT_EQ(e.at("args").at("bytes"), 65636); // cumulative
    }
    if (e.value("cat", "") == "device") {
      ++device;
      EXPECT_EQ(e.at("pid"), kDeviceTrackPid); // not the interrupted thread's
    }
    if (e.value("name", "").rfind("lost events: 3", 0) == 0)
      ++lost_markers;
  }
  EXPECT_EQ(spans, 1);
  EXPECT_EQ(copies, 2);
  EXPECT_EQ(counters, 2);
  EXPECT_EQ(device, 1);
  EXPECT_EQ(lost_markers, 1);
}

TEST(ChromeTrace, AnUnfinishedTraceIsStillValidAndSaysPartial) {
  const auto path = std::filesystem::temp_directory_path() / "zctrace-unit-partial.json";
  {
    ChromeTrace t(path.string());
    t.add(event(ZC_EV_FAULT, 5, 1000, ZC_FAULT_USER, 0, ZC_NO_SYSCALL, 6, 0x1000));
  } // no finish(): as when a run throws
  const nlohmann::json j = read(path);
  EXPECT_TRUE(j.at("otherData").at("partial").get<bool>());
  EXPECT_FALSE(j.at("otherData").at("note").is_null());
  EXPECT_GE(j.at("traceEvents").size(), 1u);
  EXPECT_THROW({ ChromeTrace bad("/nonexistent-dir/x.json"); }, Error);
}

} // namespace
} // namespace zc
