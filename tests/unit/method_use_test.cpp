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

TEST(MethodUse, MmapWriteNeedsAboutTheMappedBytesWritten) {
  const auto uses = method_uses(
      {flow(1, kMmap, kFile, kNone, 1, 1 << 24), flow(1, kWrite, kNone, kSock, 256, 1 << 24)});
  const MethodUse *mw = find(uses, "mmap+write");
  ASSERT_NE(mw, nullptr);
  EXPECT_EQ(mw->calls.at("mmap"), 1u);
  EXPECT_EQ(mw->calls.at("write"), 256u);
  // A few bytes written beside a big mapping are not mmap+write.
  const auto other =
      method_uses({flow(1, kMmap, kFile, kNone, 1, 1 << 24), flow(1, kWrite, kNone, kSock, 1, 71)});
  EXPECT_EQ(find(other, "mmap+write"), nullptr);
  EXPECT_NE(find(other, "write"), nullptr);
}

TEST(MethodUse, SendfileAndZeroCopySends) {
  const auto uses = method_uses({flow(1, kSendfile, kFile, kSock, 256, 1 << 24),
                                 flow(2, kMmap, kFile, kNone, 1, 1 << 24),
                                 flow(2, kSendto, kNone, kSock, 256, 1 << 24, ZC_FLOW_ZEROCOPY)});
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
                               flow(1, kVmsplice, kNone, kPipeOut, 256, 1 << 24),
                               flow(1, kSplice, kPipeIn, kSock, 256, 1 << 24)});
  const MethodUse *v = find(vm, "vmsplice");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->from->ino, 100u);
  EXPECT_EQ(v->calls.at("vmsplice"), 256u);
  EXPECT_EQ(find(vm, "mmap+write"), nullptr);
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
