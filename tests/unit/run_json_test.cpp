#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "error.h"
#include "json_file.h"
#include "probe_catalog.h"
#include "run_json.h"
#include "run_session.h"
#include "sample_run.h"

namespace zc {
namespace {

using test::sample_run;

TEST(RunJson, HasTheSchemaFields) {
  const nlohmann::json j = to_json(sample_run());
  EXPECT_EQ(j.at("schema"), "zctrace.run/1");
  EXPECT_EQ(j.at("kernel").at("release"), "6.18.0");
  EXPECT_EQ(j.at("method"), "mmap_write");
  EXPECT_EQ(j.at("params").at("size"), 64ull << 20);
  EXPECT_EQ(j.at("params").at("chunk"), 64ull << 10);
  EXPECT_EQ(j.at("params").at("cache"), "warm");
  EXPECT_EQ(j.at("params").at("route"), "loopback");
  EXPECT_EQ(j.at("params").at("scatter_gather"), true);
  EXPECT_EQ(j.at("params").at("io_wq"), false);
  EXPECT_TRUE(j.at("params").at("kernel_settings").empty());
  EXPECT_EQ(j.at("integrity").at("ok"), true);
  EXPECT_EQ(j.at("integrity").at("expected_checksum"), "0xdeadbeef");
  EXPECT_EQ(j.at("lost_events"), 3);
  EXPECT_EQ(j.at("events").at("lost_by_kind").at("syscall"), 3);
  EXPECT_EQ(j.at("probes").at(0).at("name"), "syscalls:sys_enter");
  EXPECT_EQ(j.at("probes").at(0).at("attached"), true);
  EXPECT_TRUE(j.at("probes").at(0).at("reason").is_null());
  for (const char *role : {"source", "sink"}) {
    const auto &a = j.at(role);
    for (const char *path :
         {"/cpu_copy/bytes", "/cpu_copy/passes", "/cpu_copy/by_site", "/device/bytes",
          "/syscalls/total", "/syscalls/by_name", "/mode_switches", "/context_switches/voluntary",
          "/context_switches/involuntary", "/page_faults/user", "/page_faults/kernel",
          "/time/wall_ns", "/time/user_ns", "/time/sys_ns"})
      EXPECT_TRUE(a.contains(nlohmann::json::json_pointer(path))) << role << path;
  }
}

TEST(RunJson, MissingFiguresAreNullWithTheirEvidence) {
  const nlohmann::json j = to_json(sample_run());
  const auto &src = j.at("source");
  EXPECT_EQ(src.at("cpu_copy").at("bytes"), 64ull << 20);
  EXPECT_DOUBLE_EQ(src.at("cpu_copy").at("passes").get<double>(), 1.0);
  EXPECT_TRUE(src.at("device").at("bytes").is_null());
  EXPECT_TRUE(src.at("context_switches").at("voluntary").is_null());
  // Every figure, null or not, has an evidence entry.
  Account probe;
  for_each_figure(probe, [&](const char *path, const auto &) {
    EXPECT_TRUE(src.at("evidence").contains(path)) << path;
  });
  EXPECT_EQ(src.at("evidence").at("cpu_copy.bytes").at("kind"), "tracepoint");
  EXPECT_EQ(src.at("evidence").at("cpu_copy.bytes").at("probes").at(0),
            "tp_btf:tcp_sendmsg_locked");
  EXPECT_EQ(src.at("evidence").at("device.bytes").at("kind"), "unavailable");
  EXPECT_EQ(src.at("syscalls").at("by_name").at("write").at("count"), 1024);
  EXPECT_TRUE(src.at("syscalls").at("by_name").at("mmap").at("bytes").is_null());
  EXPECT_EQ(src.at("page_faults").at("kernel_by_syscall").at("write"), 80);
  // What the kernel told the workload, with its own evidence.
  EXPECT_EQ(src.at("reported").at("zerocopy.sends"), 1024);
  EXPECT_EQ(src.at("evidence").at("reported.zerocopy.sends").at("kind"), "reported");
  EXPECT_TRUE(j.at("sink").at("reported").empty());
}

TEST(JsonFile, WritesAtomicallyAndLeavesNoTemporary) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("zctrace-json-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "run.json").string();
  write_json_atomically(path, to_json(sample_run()));
  write_json_atomically(path, to_json(sample_run())); // replaces
  std::ifstream in(path);
  const nlohmann::json back = nlohmann::json::parse(in);
  EXPECT_EQ(back.at("schema"), "zctrace.run/1");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(dir))
    ++files;
  EXPECT_EQ(files, 1u);
  EXPECT_THROW(write_json_atomically((dir / "no/such/dir/x.json").string(), {}), Error);
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace zc

namespace zc {
namespace {

using test::sample_run;

// A process a signal ended fails the run (exit 1) with its role and the
// signal; a file that did not arrive intact fails it with exit 3.
TEST(RunJson, ADeathFailsTheRunAndIsKept) {
  RunResult r = sample_run();
  EXPECT_NO_THROW(require_success(r));
  r.deaths.push_back({"source's child", 4321, SIGSEGV, true});
  try {
    require_success(r);
    ADD_FAILURE() << "a death must fail the run";
  } catch (const Error &e) {
    const ErrorReport report = describe(e);
    EXPECT_EQ(report.exit_code, 1);
    EXPECT_EQ(report.message, "the source's child (pid 4321) was killed by SIGSEGV (core dumped)");
  }
  const nlohmann::json j = to_json(r);
  ASSERT_EQ(j.at("deaths").size(), 1u);
  EXPECT_EQ(j.at("deaths")[0].at("role"), "source's child");
  EXPECT_EQ(j.at("deaths")[0].at("signal_name"), "SIGSEGV");
  r.deaths.clear();
  r.integrity.ok = false;
  r.integrity.error = "the sink received 1 bytes of 2";
  try {
    require_success(r);
    ADD_FAILURE() << "an integrity failure must fail the run";
  } catch (const Error &e) {
    EXPECT_EQ(describe(e).exit_code, kExitIntegrity);
  }
}

} // namespace
} // namespace zc
