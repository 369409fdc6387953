// Tracing programs zctrace does not own, the event trace of a run checked
// against its account, the copy method each workload is seen to use,
// verify's verdicts, and the HTML report rendered by headless Chromium.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "harness.h"

namespace zc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path temp(const std::string &name) {
  const fs::path p = fs::temp_directory_path() / ("zctrace-programs-" + name);
  fs::remove(p);
  return p;
}

json read_json(const fs::path &p) { return read_document(p); }

// A file of `size` bytes for programs to read.
fs::path data_file(std::uint64_t size) {
  const fs::path p = "/var/tmp/zctrace-programs.dat";
  if (!fs::exists(p) || fs::file_size(p) != size) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    std::string block(1 << 16, 'z');
    for (std::uint64_t i = 0; i < size; i += block.size())
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  return p;
}

std::uint64_t file_inode(const fs::path &p) {
  struct stat st {};
  EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

const json *use_of(const json &doc, const std::string &role, const std::string &method) {
  for (const json &u : doc.at("methods_seen"))
    if (u.at("role") == role && u.at("method") == method)
      return &u;
  return nullptr;
}

TEST(Trace, CommandAndItsChildrenAccountedByMethod) {
  const fs::path file = data_file(8ull << 20);
  const fs::path out = temp("trace.json");
  // dd is a child of sh: it is traced as well, and its read+write pairing seen.
  const ToolResult c = run_tool(zctrace({"trace", "--json", out.string(), "--", "sh", "-c",
                                         "dd if=" + file.string() + " of=/dev/null bs=64k"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("copy methods seen"), std::string::npos) << c.out;
  const json doc = read_json(out);
  EXPECT_EQ(doc.at("schema"), "zctrace.trace/1");
  EXPECT_EQ(doc.at("exit_status"), 0);
  EXPECT_FALSE(doc.at("partial").get<bool>());
  EXPECT_TRUE(doc.at("integrity").is_null());
  EXPECT_EQ(doc.at("events").at("lost"), 0);
  const json *rw = use_of(doc, "child", "read+write");
  ASSERT_NE(rw, nullptr) << doc.at("methods_seen").dump(1);
  EXPECT_EQ(rw->at("from").at("kind"), "file");
  EXPECT_EQ(rw->at("bytes"), 8ull << 20);
  EXPECT_EQ(rw->at("calls").at("read"), 129); // 128 blocks and the read at end of file
  const json &program = doc.at("program");
  EXPECT_EQ(program.at("role"), "program");
  EXPECT_GE(program.at("syscalls").at("by_name").at("read").at("count").get<int>(), 129);
  EXPECT_GE(program.at("syscalls").at("by_name").at("read").at("bytes").get<std::uint64_t>(),
            8ull << 20);
  EXPECT_GT(program.at("page_faults").at("user").get<int>(), 0);
}

TEST(Trace, EveryThreadOfTheProgramIsCounted) {
  const fs::path file = data_file(4ull << 20);
  const fs::path out = temp("threads.json"), events = temp("threads.trace.json");
  const ToolResult c = run_tool(zctrace(
      {"trace", "--json", out.string(), "--trace", events.string(), "--",
       fs::read_symlink("/proc/self/exe").string(), "--read-in-threads", file.string(), "4"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json doc = read_json(out);
  // The loader's own pread64 of the ELF headers is there too: the file's
  // flow is the threads' alone.
  const json *r = nullptr;
  for (const json &u : doc.at("methods_seen"))
    if (u.at("method") == "read" && u.at("from").at("inode") == file_inode(file))
      r = &u;
  ASSERT_NE(r, nullptr) << doc.at("methods_seen").dump(1);
  EXPECT_EQ(r->at("bytes"), 4 * (4ull << 20));
  EXPECT_EQ(r->at("calls").at("pread64"), 4 * (64 + 1)); // 64 blocks and the end of file, each
  EXPECT_GE(doc.at("program").at("syscalls").at("by_name").at("pread64").at("bytes"),
            4 * (4ull << 20));
  // Four threads of one process, each on its own track with its 64 blocks.
  std::map<std::uint64_t, int> blocks_by_tid;
  const json trace = read_json(events);
  for (const json &e : trace.at("traceEvents"))
    if (e.value("name", "") == "pread64" && e.at("pid") == doc.at("roots").at(0) &&
        e.at("args").at("ret") == 65536)
      blocks_by_tid[e.at("tid").get<std::uint64_t>()] += 1;
  EXPECT_EQ(blocks_by_tid.size(), 4u);
  for (const auto &[tid, blocks] : blocks_by_tid)
    EXPECT_EQ(blocks, 64) << tid;
}

TEST(Trace, RunningProcessForADuration) {
  const fs::path file = data_file(1ull << 20);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execlp(
        "sh", "sh", "-c",
        ("while :; do dd if=" + file.string() + " of=/dev/null bs=64k 2>/dev/null; done").c_str(),
        static_cast<char *>(nullptr));
    _exit(127);
  }
  const fs::path out = temp("pid.json");
  const ToolResult c = run_tool(
      zctrace({"trace", "--pid", std::to_string(pid), "--duration", "1", "--json", out.string()}));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json doc = read_json(out);
  EXPECT_FALSE(doc.at("partial").get<bool>());
  EXPECT_GE(doc.at("duration_ns").get<double>(), 1e9);
  // The shell forks a dd after dd: those children are traced.
  const json *rw = use_of(doc, "child", "read+write");
  ASSERT_NE(rw, nullptr) << doc.at("methods_seen").dump(1);
  EXPECT_GE(rw->at("bytes").get<std::uint64_t>(), 1ull << 20);
}

TEST(Trace, ProcessThatExitsLeavesAPartialTrace) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execlp("sleep", "sleep", "0.5", static_cast<char *>(nullptr));
    _exit(127);
  }
  const fs::path out = temp("exits.json"), events = temp("exits.trace.json");
  // Reap it as soon as it exits, as its parent would.
  std::thread reaper([pid] { waitpid(pid, nullptr, 0); });
  const ToolResult c = run_tool(zctrace({"trace", "--pid", std::to_string(pid), "--duration", "10",
                                         "--json", out.string(), "--trace", events.string()}));
  reaper.join();
  EXPECT_NE(c.exit_code, 0);
  // After the line saying the probes attached, one error line.
  const std::string error_line = c.err.substr(c.err.find("zctrace: error: "));
  EXPECT_NE(error_line.find("exited after"), std::string::npos) << c.err;
  EXPECT_EQ(std::count(error_line.begin(), error_line.end(), '\n'), 1) << c.err;
  const json doc = read_json(out);
  EXPECT_TRUE(doc.at("partial").get<bool>());
  EXPECT_NE(doc.at("note").get<std::string>().find("exited"), std::string::npos);
  const json trace = read_json(events);
  EXPECT_TRUE(trace.at("otherData").at("partial").get<bool>());
  EXPECT_TRUE(trace.at("traceEvents").is_array());
}

// The signals of a traced program, from the kernel, against what the
// program itself sent: the shell ignores SIGUSR1 and sends it to itself
// three times (never queued), and its child's exit sends it SIGCHLD.
TEST(Trace, SignalsTheProgramWasSentAreCountedByFate) {
  const fs::path out = temp("signals.json");
  const ToolResult c = run_tool(zctrace(
      {"trace", "--json", out.string(), "--", "sh", "-c",
       "trap '' USR1; kill -USR1 $$; kill -USR1 $$; kill -USR1 $$; /bin/true; echo sent 3"}));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("sent 3"), std::string::npos) << c.out;
  const json doc = read_json(out);
  const json &signals = doc.at("program").at("signals");
  ASSERT_FALSE(signals.at("generated").is_null());
  const json &usr1 = signals.at("by_signal").at("SIGUSR1");
  EXPECT_EQ(usr1.at("number"), SIGUSR1);
  EXPECT_EQ(usr1.at("generated"), 3);
  EXPECT_EQ(usr1.at("not_queued"), 3); // ignored: the kernel drops it at once
  EXPECT_EQ(usr1.at("from_itself"), 3);
  const json &chld = signals.at("by_signal").at("SIGCHLD");
  EXPECT_EQ(chld.at("generated"), 1); // /bin/true's exit
  EXPECT_EQ(chld.at("from_itself"), 0);
  EXPECT_NE(c.out.find("signals the kernel generated"), std::string::npos) << c.out;
  fs::remove(out);
}

TEST(Trace, BadTargetsAreOneLineErrors) {
  expect_one_line_error(run_tool(zctrace({"trace", "--", "zctrace-no-such-command"})), 2,
                        "command not found: zctrace-no-such-command");
  expect_one_line_error(run_tool(zctrace({"trace", "--pid", "4000000", "--duration", "1"})), 2,
                        "no process with pid 4000000");
  expect_one_line_error(run_tool(zctrace({"trace", "--pid", "999999999", "--duration", "1"})), 2,
                        "not a process id (1 to 4194304)");
  expect_one_line_error(run_tool(zctrace({"trace", "--pid", "1"})), 2, "--pid needs --duration");
  expect_one_line_error(run_tool(zctrace({"trace"})), 2, "nothing to trace");
  expect_one_line_error(run_tool(zctrace({"trace", "--pid", "1", "--duration", "1", "--", "true"})),
                        2, "not both");
  expect_one_line_error(run_tool(zctrace({"trace", "--pid", "2", "--duration", "1"})), 2,
                        "is a kernel thread");
  expect_one_line_error(
      run_tool(zctrace({"trace", "--user", "zctrace-no-such-user", "--", "true"})), 2,
      "no user 'zctrace-no-such-user'");
  expect_one_line_error(
      run_tool(zctrace({"trace", "--user", "nobody", "--pid", "1", "--duration", "1"})), 2,
      "--user applies to a command");
}

// The event trace holds the events the account was made from: with nothing
// lost, its copy bytes per site, syscall spans and faults add up to the account.
TEST(Trace, EventTraceOfARunMatchesItsAccount) {
  const fs::path events = temp("run.trace.json"), run_json = temp("run.json");
  const ToolResult c = run_tool(zctrace({"run", "read_write", "--size", "8M", "--trace",
                                         events.string(), "--json", run_json.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json trace = read_json(events), run = read_json(run_json);
  ASSERT_EQ(trace.at("otherData").at("events").at("lost"), 0);
  EXPECT_FALSE(trace.at("otherData").at("partial").get<bool>());

  std::map<std::string, std::uint64_t> pid_role; // pid -> role, from the copy events
  std::map<std::pair<std::string, std::string>, std::uint64_t> copied; // (role, site) -> bytes
  std::map<std::pair<std::string, std::string>, std::uint64_t> spans;  // (role, syscall) -> n
  std::map<std::string, std::uint64_t> faults;                         // role -> n
  std::map<std::uint64_t, std::string> roles;
  for (const json &e : trace.at("traceEvents"))
    if (e.value("cat", "") == "copy")
      roles[e.at("pid").get<std::uint64_t>()] = e.at("args").at("role");
  for (const json &e : trace.at("traceEvents")) {
    const std::string cat = e.value("cat", "");
    if (!e.contains("pid") || !roles.count(e.at("pid").get<std::uint64_t>()))
      continue;
    const std::string role = roles.at(e.at("pid").get<std::uint64_t>());
    if (cat == "copy")
      copied[{role, e.at("name")}] += e.at("args").at("bytes").get<std::uint64_t>();
    else if (cat == "syscall" && e.at("ph") == "X")
      spans[{role, e.at("name")}] += 1;
    else if (cat == "fault")
      faults[role] += 1;
  }
  for (const std::string role : {"source", "sink"}) {
    const json &a = run.at(role);
    std::map<std::string, std::uint64_t> account_sites;
    for (const json &row : a.at("cpu_copy").at("by_site"))
      account_sites[row.at("site")] += row.at("bytes").get<std::uint64_t>();
    for (const auto &[site, bytes] : account_sites)
      EXPECT_EQ((copied[{role, site}]), bytes) << role << " " << site;
    for (const char *call : {"read", "write"})
      EXPECT_EQ((spans[{role, call}]),
                a.at("syscalls").at("by_name").value(call, json{{"count", 0}}).at("count"))
          << role << " " << call;
    EXPECT_EQ(faults[role], a.at("page_faults").at("user").get<std::uint64_t>() +
                                a.at("page_faults").at("kernel").get<std::uint64_t>())
        << role;
  }
  EXPECT_EQ((copied[{"source", "filemap_read"}]), 8ull << 20);
  // Perfetto needs names for its tracks.
  std::size_t named = 0;
  for (const json &e : trace.at("traceEvents"))
    named += e.at("ph") == "M" && e.at("name") == "process_name";
  EXPECT_GE(named, 2u);
}

TEST(Trace, EveryWorkloadIsSeenUsingItsOwnMethod) {
  const std::map<std::string, std::string> expected = {{"read_write", "read+write"},
                                                       {"mmap_write", "mmap+write"},
                                                       {"sendfile", "sendfile"},
                                                       {"splice", "splice"},
                                                       {"tee", "tee"},
                                                       {"vmsplice", "vmsplice"},
                                                       {"direct_io", "direct_io"},
                                                       {"msg_zerocopy", "msg_zerocopy"},
                                                       {"copy_file_range", "copy_file_range"}};
  for (const auto &[method, seen] : expected) {
    const fs::path out = temp(method + ".json");
    const ToolResult c = run_tool(zctrace({"run", method, "--size", "4M", "--json", out.string()}));
    ASSERT_EQ(c.exit_code, 0) << method << ": " << c.err;
    const json doc = read_json(out);
    const json *u = use_of(doc, "source", seen);
    ASSERT_NE(u, nullptr) << method << ": " << doc.at("methods_seen").dump(1);
    EXPECT_EQ(u->at("from").at("kind").get<std::string>().rfind("file", 0), 0u) << method;
    EXPECT_EQ(u->at("bytes"), 4ull << 20) << method;
    EXPECT_EQ(u->at("to").at("kind"), method == "copy_file_range" ? "file" : "socket") << method;
    EXPECT_NE(use_of(doc, "sink", "read"), nullptr) << method;
  }
}

const json *check_of(const json &kernel, const std::string &claim, const std::string &figure) {
  for (const json &c : kernel.at("claims"))
    if (c.at("id") == claim)
      for (const json &ch : c.at("checks"))
        if (ch.at("figure") == figure)
          return &ch;
  return nullptr;
}

fs::path verify_json() {
  static const fs::path out = [] {
    const fs::path p = temp("verify.json");
    const ToolResult c = run_tool(zctrace({"verify", "--size", "8M", "--json", p.string()}));
    // Over loopback no NIC moves the payload: the DMA claims cannot be
    // measured here, and the exit status says so.
    EXPECT_EQ(c.exit_code, 5) << c.err;
    EXPECT_NE(c.out.find("cannot be measured here"), std::string::npos);
    expect_fits_100_columns(c.out, "verify");
    // An outcome, not an error.
    EXPECT_EQ(c.err.find("error"), std::string::npos) << c.err;
    EXPECT_NE(c.err.find("cannot be measured here (exit 5)"), std::string::npos) << c.err;
    return p;
  }();
  return out;
}

TEST(Verify, EveryClaimGetsAVerdictAndReasons) {
  const json doc = read_json(verify_json());
  EXPECT_EQ(doc.at("schema"), "zctrace.verify/1");
  ASSERT_EQ(doc.at("kernels").size(), 1u);
  const json &k = doc.at("kernels").at(0);
  const json *rw = check_of(k, "read_write", "cpu_copies");
  ASSERT_NE(rw, nullptr);
  EXPECT_EQ(rw->at("verdict"), "holds");
  EXPECT_NEAR(rw->at("measured").get<double>(), 2.0, 0.01);
  const json *gather = check_of(k, "sendfile_dma_gather", "cpu_copies");
  ASSERT_NE(gather, nullptr);
  EXPECT_EQ(gather->at("verdict"), "holds");
  EXPECT_NEAR(gather->at("measured").get<double>(), 0.0, 0.01);
  const json *no_sg = check_of(k, "sendfile", "cpu_copies");
  ASSERT_NE(no_sg, nullptr);
  EXPECT_NEAR(no_sg->at("measured").get<double>(), 1.0, 0.01);
  const json *splice = check_of(k, "splice", "context_switches");
  ASSERT_NE(splice, nullptr);
  EXPECT_EQ(splice->at("verdict"), "differs");
  EXPECT_NEAR(splice->at("measured").get<double>(), 4.0, 0.05);
  EXPECT_NE(splice->at("why").get<std::string>().find("splice needs 2 calls per chunk"),
            std::string::npos);
  const json *dma = check_of(k, "read_write", "dma_copies");
  ASSERT_NE(dma, nullptr);
  EXPECT_EQ(dma->at("verdict"), "cannot be measured here");
  EXPECT_NEAR(dma->at("measured").at("storage").get<double>(), 1.0, 0.05); // cold cache
  EXPECT_NE(dma->at("why").get<std::string>().find("no NIC"), std::string::npos);
  const json *direct = check_of(k, "direct_io", "filemap_read on the source");
  ASSERT_NE(direct, nullptr);
  EXPECT_EQ(direct->at("verdict"), "holds");
  EXPECT_FALSE(doc.at("summary").at("every_claim_checked").get<bool>());
  EXPECT_GT(doc.at("summary").at("holds").get<int>(), 10);
}

TEST(Report, ChartsRenderInHeadlessChromium) {
  const fs::path sweep = temp("sweep.json"), html = temp("report.html"), md = temp("report.md");
  ASSERT_EQ(run_tool(zctrace({"sweep", "mmap_write", "sendfile", "--size", "4M", "--chunk",
                              "4K,64K", "--json", sweep.string()}))
                .exit_code,
            0);
  const ToolResult c = run_tool(zctrace({"report", verify_json().string(), sweep.string(), "-o",
                                         html.string(), "--markdown", md.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const ToolResult dom =
      run_tool({"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--virtual-time-budget=5000", "--dump-dom", "file://" + html.string()});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("data-ready=\"true\""), std::string::npos) << "the script did not finish";
  // Against the data: one mark per point of the sweep (each method at each
  // chunk, none dropped), a whisker for each point whose passes give an
  // interval, and a claimed bar for each method the articles give a figure.
  const json sw = read_json(sweep);
  std::size_t points = 0, intervals = 0;
  std::set<std::string> claimed_methods;
  for (const json &p : sw.at("points")) {
    if (p.at("status") != "ok")
      continue;
    ++points;
    intervals += !p.at("timed").at("throughput_bytes_per_s").at("interval").is_null();
    for (const json &c : p.at("runs").at(0).at("claims"))
      if (!c.value("cpu_copies", json()).is_null())
        claimed_methods.insert(p.at("method"));
  }
  ASSERT_EQ(points, 4u); // 2 methods x 2 chunks, one kernel
  auto attribute = [&](const std::string &chart, const std::string &name) {
    const std::regex re("id=\"" + chart + "\"[^>]*" + name + "=\"([0-9]+)\"");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(dom.out, m, re)) << chart << " " << name;
    return m.empty() ? -1 : std::stoi(m[1]);
  };
  for (const char *chart : {"chart-copies", "chart-switches", "chart-throughput", "chart-sweep"})
    EXPECT_EQ(attribute(chart, "data-rendered"), static_cast<int>(points)) << chart;
  EXPECT_EQ(attribute("chart-copies", "data-claimed"), static_cast<int>(claimed_methods.size()));
  EXPECT_EQ(attribute("chart-throughput", "data-error-bars"), static_cast<int>(intervals));
  EXPECT_EQ(attribute("chart-sweep", "data-error-bars"), static_cast<int>(intervals));
  // Drawn by the inlined library, with its exports beside each chart.
  EXPECT_NE(dom.out.find("<canvas"), std::string::npos);
  EXPECT_NE(dom.out.find("download=\"chart-sweep.png\""), std::string::npos);
  EXPECT_NE(dom.out.find("download=\"chart-copies.csv\""), std::string::npos);
  // The page as a reader sees it (the README's screenshot is one of these).
  const fs::path shot = temp("report.png");
  const ToolResult png =
      run_tool({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--window-size=1200,2400", "--virtual-time-budget=5000",
                "--screenshot=" + shot.string(), "file://" + html.string()});
  ASSERT_EQ(png.exit_code, 0) << png.err;
  EXPECT_GT(fs::file_size(shot), 20000u);
  // Sizes in the markdown read as a reviewer writes them.
  const std::string markdown = read_text(md.string());
  EXPECT_NE(markdown.find("| 4 MiB | 4 KiB |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("(6 passes)"), std::string::npos) << markdown;
  const json v = read_json(verify_json());
  std::size_t checks = 0;
  for (const json &cl : v.at("kernels").at(0).at("claims"))
    checks += cl.at("checks").size();
  const std::regex claims_re("id=\"table-claims\"[^>]*data-rendered=\"([0-9]+)\"");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom.out, m, claims_re));
  EXPECT_EQ(static_cast<std::size_t>(std::stoul(m[1])), checks);
  EXPECT_NE(markdown.find("| splice | context_switches | 2 | 4"), std::string::npos) << markdown;
}

TEST(Report, RefusesWhatItCannotRead) {
  const fs::path other = temp("other.json"), cut = temp("cut.json"), newer = temp("newer.json");
  std::ofstream(other) << R"({"schema": "something.else/1"})";
  std::ofstream(newer) << R"({"schema": "zctrace.run/2", "method": "x"})";
  std::ifstream in(verify_json());
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(cut) << text.substr(0, text.size() / 2);
  expect_one_line_error(run_tool(zctrace({"report", other.string()})), 2, "not a zctrace result");
  expect_one_line_error(run_tool(zctrace({"report", newer.string()})), 2,
                        "zctrace.run/2 is a version this zctrace does not read");
  expect_one_line_error(run_tool(zctrace({"report", cut.string()})), 2,
                        "not valid JSON (truncated?)");
  expect_one_line_error(run_tool(zctrace({"report", "/nonexistent/zctrace.json"})), 2,
                        "cannot be read");
}

} // namespace
} // namespace zc::test
