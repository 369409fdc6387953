// What watching costs: every run says so from the kernel's own statistics
// and leaves them as it found them; start-up reuses the probe results of
// the boot.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "harness.h"

namespace zc::test {
namespace {

namespace fs = std::filesystem;

const ProgramStat *program(const RunResult &r, const std::string &name) {
  for (const ProgramStat &p : r.programs)
    if (p.name == name)
      return &p;
  return nullptr;
}

// kernel.bpf_stats_enabled reads back only what was written to it, not
// what BPF_ENABLE_STATS holds: whether the kernel is timing program runs
// shows in the runs themselves. A run that does not ask for statistics
// finds every program's run time 0 unless something else holds them.
RunResult expect_statistics_off() {
  RunRequest req = request("sendfile", 4ull << 20);
  req.probes.run_stats = false;
  const RunResult r = run(req);
  expect_intact(r);
  EXPECT_FALSE(r.overhead.measured);
  for (const ProgramStat &p : r.programs)
    EXPECT_EQ(p.run_time_ns, 0u) << p.name << ": the kernel is still timing program runs";
  return r;
}

TEST(Overhead, EveryRunSaysWhatWatchingCost) {
  RunRequest req = request("read_write", 16ull << 20);
  req.chunk = 4096;
  const RunResult r = run(req);
  expect_intact(r);

  const Overhead &o = r.overhead;
  ASSERT_TRUE(o.measured) << o.why_not;
  // The traced syscalls are the two accounts' syscalls, and each was
  // entered once: the entry program ran at least that often (it also runs,
  // for its one check, for every other process's syscalls).
  EXPECT_EQ(o.traced_syscalls, *r.source.syscalls.total.value + *r.sink.syscalls.total.value);
  EXPECT_GE(o.traced_syscalls, 2 * (req.size / req.chunk)); // the source's reads and writes
  const ProgramStat *enter = program(r, "zc_sys_enter");
  if (!enter)
    enter = program(r, "zc_sys_enter_compat");
  ASSERT_NE(enter, nullptr);
  EXPECT_GE(enter->run_count, o.traced_syscalls);
  EXPECT_GT(o.run_time_ns, 0u);
  std::uint64_t runs = 0, time = 0;
  for (const ProgramStat &p : r.programs) {
    runs += p.run_count;
    time += p.run_time_ns;
  }
  EXPECT_EQ(o.program_runs, runs);
  EXPECT_EQ(o.run_time_ns, time);
  ASSERT_TRUE(o.ns_per_traced_syscall.has_value());
  EXPECT_DOUBLE_EQ(*o.ns_per_traced_syscall,
                   static_cast<double>(time) / static_cast<double>(o.traced_syscalls));
  expect_statistics_off(); // turned off with the run
}

TEST(Overhead, NotMeasuredWhenNotAskedForAndSaysWhy) {
  const RunResult r = expect_statistics_off();
  EXPECT_NE(r.overhead.why_not.find("--no-bpf-stats"), std::string::npos) << r.overhead.why_not;
  EXPECT_FALSE(r.overhead.ns_per_traced_syscall.has_value());
  EXPECT_GT(r.overhead.traced_syscalls, 0u);
}

// zctrace killed outright cannot turn the statistics off: the kernel does,
// when it closes the descriptor that held them.
TEST(Overhead, StatisticsGoOffWhenZctraceIsKilled) {
  const std::string bin = zctrace({}).front();
  const ToolResult r =
      run_tool({"sh", "-c",
                "out=$(mktemp); " + bin +
                    " run read_write --size 1G --chunk 4K >\"$out\" 2>&1 & z=$!; "
                    "for i in $(seq 400); do grep -q moving \"$out\" && break; sleep 0.05; done; "
                    "kill -9 $z; wait $z; grep -c moving \"$out\"; rm -f \"$out\""});
  ASSERT_EQ(r.out, "1\n") << "zctrace was not killed while it ran: " << r.err;
  expect_statistics_off();
}

// A trace measures its cost only when asked: off, it says why.
TEST(Overhead, ATraceMeasuresItsCostWithBpfStats) {
  const fs::path dir = fs::path(::testing::TempDir());
  const fs::path off = dir / "zctrace-trace-off.json", on = dir / "zctrace-trace-on.json";
  const std::vector<std::string> dd = {"--",           "dd",    "if=/dev/zero",
                                       "of=/dev/null", "bs=4k", "count=20000"};
  std::vector<std::string> args = {"trace", "--json", off.string()};
  args.insert(args.end(), dd.begin(), dd.end());
  ToolResult r = run_tool(zctrace(args));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  args = {"trace", "--bpf-stats", "--json", on.string()};
  args.insert(args.end(), dd.begin(), dd.end());
  r = run_tool(zctrace(args));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json o = read_document(off).at("overhead");
  const nlohmann::json m = read_document(on).at("overhead");
  fs::remove(off);
  fs::remove(on);
  EXPECT_FALSE(o.at("measured").get<bool>());
  EXPECT_NE(o.at("why_not").get<std::string>().find("--bpf-stats"), std::string::npos);
  ASSERT_TRUE(m.at("measured").get<bool>()) << m.dump();
  // dd's own count: 20,000 reads and 20,000 writes, among its syscalls.
  EXPECT_GE(m.at("traced_syscalls").get<std::uint64_t>(), 40000u);
  EXPECT_GT(m.at("ns_per_traced_syscall").get<double>(), 0);
}

} // namespace
} // namespace zc::test

namespace zc::test {
namespace {

// What `zctrace probes --json` says of every probe and alternative.
std::string probes_json() {
  const fs::path out = fs::path(::testing::TempDir()) / "zctrace-probes.json";
  fs::remove(out);
  const ToolResult r = run_tool(zctrace({"probes", "--json", out.string()}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json doc = read_document(out);
  fs::remove(out);
  // What probing answered; not when or by which command line.
  doc.erase("produced_by");
  return doc.dump(2);
}

constexpr const char *kCache = "/run/zctrace/probe-cache";

// The probe results kept for the boot say what probing says, and a record
// that is not this boot's, this kernel's or readable at all is probed anew.
TEST(ProbeCache, SaysWhatProbingSaysAndIsRemadeWhenItIsNotThisBoots) {
  fs::remove(kCache);
  const std::string probed = probes_json();
  ASSERT_TRUE(fs::exists(kCache)) << "probing keeps its results";
  const auto perms = fs::status(kCache).permissions();
  EXPECT_EQ(perms & (fs::perms::group_write | fs::perms::others_write), fs::perms::none);
  EXPECT_EQ(probes_json(), probed) << "the cached answers differ from probing";

  for (const std::string planted :
       {std::string("identity 2 not-this-boot\ncheck:tp_btf:sys_enter no planted\n"),
        std::string("\x01\x02 garbage without a single valid line")}) {
    {
      std::ofstream out(kCache, std::ios::trunc);
      out << planted;
    }
    EXPECT_EQ(probes_json(), probed) << "a stale or broken cache was believed";
    std::ifstream in(kCache);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str().find("planted"), std::string::npos) << "it was not remade";
  }
}

} // namespace
} // namespace zc::test
