#include <gtest/gtest.h>

#include <unistd.h>

#include <vector>

#include "cli.h"
#include "error.h"
#include "trace_session.h"

namespace zc {
namespace {

const std::vector<std::string> kMethods = {"read_write", "mmap_write", "sendfile", "splice"};

Cli parse(std::vector<const char *> args) {
  args.insert(args.begin(), "zctrace");
  return parse_cli(static_cast<int>(args.size()), args.data(), kMethods);
}

std::string usage_error(std::vector<const char *> args) {
  try {
    parse(std::move(args));
  } catch (const UsageError &e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    return e.what();
  }
  ADD_FAILURE() << "parsed without error";
  return "";
}

TEST(Cli, RunDefaults) {
  const Cli cli = parse({"run", "mmap_write"});
  const auto &run = std::get<RunOptions>(cli.command);
  EXPECT_EQ(run.method, "mmap_write");
  EXPECT_EQ(run.size, 64ull << 20);
  EXPECT_EQ(run.chunk, 64ull << 10);
  EXPECT_EQ(run.cache, "warm");
  EXPECT_FALSE(run.json_path.has_value());
  EXPECT_FALSE(run.stream_events); // nothing would consume them
  EXPECT_TRUE(run.bpf_stats);      // every run says what watching cost
  EXPECT_EQ(run.ringbuf_bytes, 4ull << 20);
}

TEST(Cli, RunStreamsEventsOnlyForTrace) {
  const Cli cli = parse({"run", "mmap_write", "--trace", "events.json"});
  EXPECT_TRUE(std::get<RunOptions>(cli.command).stream_events);
}

TEST(Cli, RunOptions) {
  const Cli cli = parse({"run",         "sendfile",
                         "--size",      "1G",
                         "--chunk",     "4K",
                         "--cache",     "cold",
                         "--json",      "out.json",
                         "--require",   "copies:tcp_sendmsg_locked",
                         "--require",   "fentry:tcp_sendmsg_locked",
                         "--no-events", "--seed",
                         "7",           "--ringbuf-size",
                         "64K",         "--dir",
                         "/tmp"});
  const auto &run = std::get<RunOptions>(cli.command);
  EXPECT_EQ(run.size, 1ull << 30);
  EXPECT_EQ(run.chunk, 4096u);
  EXPECT_EQ(run.cache, "cold");
  EXPECT_EQ(run.json_path, "out.json");
  EXPECT_EQ(run.require.size(), 2u);
  EXPECT_FALSE(run.stream_events);
  EXPECT_EQ(run.seed, 7u);
  EXPECT_EQ(run.ringbuf_bytes, 65536u);
  EXPECT_EQ(run.dir, "/tmp");
}

TEST(Cli, UnknownMethodNamesTheKnownOnes) {
  const std::string msg = usage_error({"run", "memcpy"});
  EXPECT_NE(msg.find("unknown method 'memcpy'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("read_write, mmap_write, sendfile, splice"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST(Cli, BadSizes) {
  EXPECT_NE(usage_error({"run", "splice", "--size", "12Q"}).find("bad size '12Q'"),
            std::string::npos);
  EXPECT_NE(usage_error({"run", "splice", "--chunk", "0"}).find("bad size '0'"), std::string::npos);
  EXPECT_NE(usage_error({"run", "splice", "--ringbuf-size", "3000"}).find("power of two"),
            std::string::npos);
}

TEST(Cli, BadCacheAndMissingMethod) {
  EXPECT_NE(usage_error({"run", "splice", "--cache", "lukewarm"}).find("lukewarm"),
            std::string::npos);
  EXPECT_NE(usage_error({"run"}).find("method"), std::string::npos);
  EXPECT_NE(usage_error({}).find("subcommand"), std::string::npos);
  EXPECT_NE(usage_error({"frobnicate"}).find("frobnicate"), std::string::npos);
}

TEST(Cli, HelpIsAnAnswerNotAnError) {
  const Cli top = parse({"--help"});
  EXPECT_TRUE(top.done);
  EXPECT_NE(top.output.find("run"), std::string::npos);
  const Cli run = parse({"run", "--help"});
  EXPECT_TRUE(run.done);
  EXPECT_NE(run.output.find("--chunk"), std::string::npos);
}

TEST(Cli, OtherCommands) {
  EXPECT_TRUE(std::holds_alternative<ListOptions>(parse({"list"}).command));
  const Cli probes = parse({"probes", "--json", "p.json"});
  EXPECT_EQ(std::get<ProbesOptions>(probes.command).json_path, "p.json");
  EXPECT_TRUE(parse({"-v", "list"}).verbose);
}

TEST(Cli, Conditions) {
  const Cli cli = parse({"run", "sendfile", "--sg", "off", "--cache", "cold"});
  const auto &run = std::get<RunOptions>(cli.command);
  ASSERT_TRUE(run.sg.has_value());
  EXPECT_FALSE(*run.sg);
  EXPECT_FALSE(run.io_wq);
  EXPECT_TRUE(*std::get<RunOptions>(parse({"run", "sendfile", "--sg", "on"}).command).sg);
  EXPECT_FALSE(std::get<RunOptions>(parse({"run", "sendfile"}).command).sg.has_value());
  EXPECT_TRUE(std::get<RunOptions>(parse({"run", "splice", "--io-wq"}).command).io_wq);
  EXPECT_NE(usage_error({"run", "sendfile", "--sg", "maybe"}).find("--sg"), std::string::npos);
}

TEST(Cli, CompareTakesMethodsOrAll) {
  const Cli some_cli = parse({"compare", "sendfile", "splice", "--size", "16M"});
  const auto &some = std::get<CompareOptions>(some_cli.command);
  EXPECT_EQ(some.methods, (std::vector<std::string>{"sendfile", "splice"}));
  EXPECT_EQ(some.size, 16u << 20);
  EXPECT_EQ(some.repeats.repeat, 6u); // the fewest passes with a 95% interval
  const Cli all_cli = parse({"compare", "all", "--sg", "off"});
  const auto &all = std::get<CompareOptions>(all_cli.command);
  EXPECT_EQ(all.methods, kMethods);
  EXPECT_FALSE(*all.sg);
  EXPECT_NE(usage_error({"compare", "sendfile", "nosuch"}).find("unknown method 'nosuch'"),
            std::string::npos);
  EXPECT_NE(usage_error({"compare"}).find("methods"), std::string::npos);
}

TEST(Cli, SweepTakesListsOfSizes) {
  const Cli defaults_cli = parse({"sweep", "mmap_write"});
  const auto &defaults = std::get<SweepOptions>(defaults_cli.command);
  EXPECT_EQ(defaults.sizes, (std::vector<std::uint64_t>{64ull << 20}));
  EXPECT_EQ(defaults.chunks, (std::vector<std::uint64_t>{4096, 64 << 10, 1 << 20}));
  const Cli cli = parse(
      {"sweep", "mmap_write", "sendfile", "--chunk", "4K,1M", "--size", "1M,16M", "--repeat", "3"});
  const auto &s = std::get<SweepOptions>(cli.command);
  EXPECT_EQ(s.methods, (std::vector<std::string>{"mmap_write", "sendfile"}));
  EXPECT_EQ(s.chunks, (std::vector<std::uint64_t>{4096, 1 << 20}));
  EXPECT_EQ(s.sizes, (std::vector<std::uint64_t>{1 << 20, 16 << 20}));
  EXPECT_EQ(s.repeats.repeat, 3u);
  EXPECT_NE(usage_error({"sweep", "sendfile", "--chunk", "4K,lots"}).find("lots"),
            std::string::npos);
  EXPECT_NE(usage_error({"sweep", "sendfile", "--repeat", "0"}).find("--repeat"),
            std::string::npos);
}

TEST(Cli, TraceACommandOrProcesses) {
  const auto cmd = std::get<TraceOptions>(parse({"trace", "--json", "t.json", "--trace", "e.json",
                                                 "--user", "nobody", "--", "dd", "if=x", "bs=64k"})
                                              .command);
  EXPECT_EQ(cmd.command, (std::vector<std::string>{"dd", "if=x", "bs=64k"}));
  EXPECT_EQ(cmd.json_path, "t.json");
  EXPECT_EQ(cmd.trace_path, "e.json");
  EXPECT_EQ(cmd.user, "nobody");
  EXPECT_TRUE(cmd.pids.empty());
  EXPECT_FALSE(cmd.bpf_stats); // a trace is attached to live servers: opt in
  EXPECT_TRUE(
      std::get<TraceOptions>(parse({"trace", "--bpf-stats", "--", "true"}).command).bpf_stats);
  const auto pid = std::get<TraceOptions>(
      parse({"trace", "--pid", "42", "--pid", "43", "--duration", "2.5"}).command);
  EXPECT_EQ(pid.pids, (std::vector<int>{42, 43}));
  EXPECT_DOUBLE_EQ(*pid.duration_s, 2.5);
  EXPECT_TRUE(pid.command.empty());
  EXPECT_NE(usage_error({"trace", "--pid", "42", "--duration", "-1"}).find("duration"),
            std::string::npos);
}

// What a trace is asked to do is checked before anything starts, each with
// one line.
TEST(Cli, TraceRequestsAreCheckedBeforeAnything) {
  auto why = [](TraceRequest req) {
    try {
      check_trace_request(req);
      return std::string();
    } catch (const UsageError &e) {
      return std::string(e.what());
    }
  };
  TraceRequest none;
  EXPECT_NE(why(none).find("nothing to trace"), std::string::npos);
  TraceRequest both;
  both.command = {"ls"};
  both.pids = {getpid()};
  both.duration_s = 1;
  EXPECT_NE(why(both).find("not both"), std::string::npos);
  TraceRequest forever;
  forever.pids = {1};
  EXPECT_NE(why(forever).find("--pid needs --duration"), std::string::npos);
  TraceRequest kthread;
  kthread.pids = {2}; // kthreadd
  kthread.duration_s = 1;
  EXPECT_NE(why(kthread).find("kernel thread"), std::string::npos);
  TraceRequest self;
  self.pids = {getpid()};
  self.duration_s = 1;
  EXPECT_NE(why(self).find("zctrace itself"), std::string::npos);
  TraceRequest missing;
  missing.command = {"zctrace-no-such-command"};
  EXPECT_NE(why(missing).find("command not found"), std::string::npos);
  TraceRequest as_pid_user;
  as_pid_user.pids = {1};
  as_pid_user.duration_s = 1;
  as_pid_user.user = "nobody";
  EXPECT_NE(why(as_pid_user).find("--user applies to a command"), std::string::npos);
}

TEST(Cli, RunTraceNeedsTheEventStream) {
  EXPECT_EQ(std::get<RunOptions>(parse({"run", "splice", "--trace", "e.json"}).command).trace_path,
            "e.json");
  EXPECT_NE(usage_error({"run", "splice", "--trace", "e.json", "--no-events"}).find("--no-events"),
            std::string::npos);
}

TEST(Cli, VerifyDefaultsToColdCacheAndSixteenMiB) {
  const auto v = std::get<VerifyOptions>(parse({"verify"}).command);
  EXPECT_EQ(v.conditions.size, 16ull << 20);
  EXPECT_EQ(v.conditions.cache, "cold");
  EXPECT_FALSE(v.vmtest);
  EXPECT_TRUE(v.host);
  const auto vm = std::get<VerifyOptions>(
      parse({"verify", "--vmtest", "--no-host", "-f", "6.1", "--json", "v.json", "--chunk", "1M"})
          .command);
  EXPECT_TRUE(vm.vmtest);
  EXPECT_FALSE(vm.host);
  EXPECT_EQ(vm.vm.filter, "6.1");
  EXPECT_EQ(vm.conditions.chunk, 1ull << 20);
  EXPECT_NE(usage_error({"verify", "--no-host"}).find("--no-host"), std::string::npos);
  EXPECT_NE(usage_error({"verify", "--size", "lots"}).find("lots"), std::string::npos);
}

TEST(Cli, ReportTakesResultFiles) {
  const auto r =
      std::get<ReportOptions>(parse({"report", "a.json", "b.json", "-o", "r.html"}).command);
  EXPECT_EQ(r.inputs, (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(r.html_path, "r.html");
  EXPECT_FALSE(r.markdown_path);
  EXPECT_NE(usage_error({"report"}).find("results"), std::string::npos);
}

} // namespace
} // namespace zc
