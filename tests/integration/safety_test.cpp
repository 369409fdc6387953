// zctrace runs as root: what it writes cannot be redirected by a link a
// local user planted, nothing it creates or changes outlives it however it
// ends, overlapping runs do not disturb each other, and bad input is
// refused before any work.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "background.h"
#include "documents.h"
#include "harness.h"

namespace zc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr uid_t kNobody = 65534;
const char *const kSetting = "/proc/sys/net/core/high_order_alloc_disable";

// A folder anyone may write in (as /tmp is), with sticky bit.
fs::path shared_folder(const std::string &name) {
  const fs::path dir = fs::temp_directory_path() / ("zctrace-safety-" + name);
  fs::remove_all(dir);
  fs::create_directory(dir);
  chmod(dir.c_str(), 01777);
  return dir;
}

// As user nobody: a symlink at `at` pointing to `target`.
void plant_symlink(const fs::path &target, const fs::path &at) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (setgid(kNobody) != 0 || setuid(kNobody) != 0)
      _exit(2);
    _exit(symlink(target.c_str(), at.c_str()) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "plant " << at;
}

// A root-owned 0600 file only root may change.
fs::path secret_file(const std::string &name) {
  const fs::path p = fs::temp_directory_path() / ("zctrace-safety-secret-" + name);
  fs::remove(p);
  std::ofstream(p) << "root's own\n";
  chmod(p.c_str(), 0600);
  return p;
}

TEST(Safety, NoOutputFollowsAPlantedSymlink) {
  const fs::path dir = shared_folder("links");
  const fs::path secret = secret_file("links");
  const fs::path json_out = dir / "run.json", trace_out = dir / "run.trace.json",
                 html = dir / "report.html", md = dir / "report.md";
  for (const fs::path &p : {json_out, trace_out, html, md})
    plant_symlink(secret, p);
  const ToolResult r = run_tool(zctrace({"run", "copy_file_range", "--size", "4M", "--json",
                                         json_out.string(), "--trace", trace_out.string()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ToolResult rep = run_tool(
      zctrace({"report", json_out.string(), "-o", html.string(), "--markdown", md.string()}));
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(read_text(secret), "root's own\n");
  struct stat st {};
  ASSERT_EQ(lstat(secret.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // Each link was replaced by the file itself, whole.
  for (const fs::path &p : {json_out, trace_out, html, md}) {
    EXPECT_FALSE(fs::is_symlink(p)) << p;
    EXPECT_TRUE(fs::is_regular_file(p)) << p;
  }
  EXPECT_EQ(read_document(json_out).at("schema"), "zctrace.run/1");
  EXPECT_EQ(read_document(trace_out).at("schema"), "zctrace.trace-events/1");
  // No temporary is left beside them.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir))
    ++entries;
  EXPECT_EQ(entries, 4u);
  fs::remove_all(dir);
  fs::remove(secret);
}

std::set<std::string> entries_of(const fs::path &dir) {
  std::set<std::string> out;
  for (const auto &e : fs::directory_iterator(dir))
    out.insert(e.path().filename().string());
  return out;
}

std::set<std::string> zctrace_processes() {
  std::set<std::string> out;
  for (const auto &e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::string comm = read_text(e.path() / "comm");
    if (comm.rfind("zc-", 0) == 0)
      out.insert(name + " " + comm.substr(0, comm.size() - 1));
  }
  return out;
}

std::set<std::string> zctrace_links() {
  std::set<std::string> out;
  for (const auto &e : fs::directory_iterator("/sys/class/net"))
    if (e.path().filename().string().rfind("zcv", 0) == 0)
      out.insert(e.path().filename().string());
  return out;
}

// Loop devices bound now, each with its backing file (sysfs): --fs binds
// one to an unnamed image and must leave none bound.
std::set<std::string> bound_loops() {
  std::set<std::string> out;
  for (const auto &e : fs::directory_iterator("/sys/block"))
    if (e.path().filename().string().rfind("loop", 0) == 0 && fs::exists(e.path() / "loop"))
      out.insert(e.path().filename().string() + " " +
                 read_text((e.path() / "loop" / "backing_file").string()));
  return out;
}

// Where background processes keep their output.
fs::path background_dir() {
  const fs::path dir = fs::temp_directory_path() / "zctrace-safety-background";
  fs::create_directories(dir);
  return dir;
}

// What a run may leave on the machine, before and after.
struct MachineState {
  std::set<std::string> var_tmp = entries_of("/var/tmp");
  std::vector<std::uint32_t> programs = loaded_bpf_programs();
  std::string setting = read_text(kSetting);
  std::set<std::string> loops = bound_loops();
};

void expect_nothing_left(const MachineState &before, const std::string &when) {
  SCOPED_TRACE(when);
  // Programs of an exited process are freed after an RCU grace period, and
  // the processes it leaves die of PR_SET_PDEATHSIG or the guardian's kill
  // a moment after it: allow them five seconds. A loop device --fs bound
  // clears itself when the last process holding its mount is gone.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  std::vector<std::uint32_t> added;
  std::set<std::string> procs, links, loops;
  do {
    added.clear();
    for (std::uint32_t id : loaded_bpf_programs())
      if (std::find(before.programs.begin(), before.programs.end(), id) == before.programs.end())
        added.push_back(id);
    procs = zctrace_processes();
    links = zctrace_links();
    loops = bound_loops();
    if (added.empty() && procs.empty() && links.empty() && loops == before.loops)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (Clock::now() < deadline);
  EXPECT_TRUE(added.empty()) << added.size() << " BPF programs left";
  EXPECT_TRUE(procs.empty()) << *procs.begin() << " left";
  EXPECT_TRUE(links.empty()) << *links.begin() << " left";
  EXPECT_EQ(loops, before.loops) << "loop devices left bound";
  EXPECT_EQ(entries_of("/var/tmp"), before.var_tmp);
}

// Kills a run at a moment (`after` on its stderr, then `delay`) with `sig`;
// checks nothing is left, and that the next start restores the setting.
void kill_run(const std::vector<std::string> &args, const std::string &after,
              std::chrono::milliseconds delay, int sig) {
  SCOPED_TRACE(std::string(strsignal(sig)) + " " + std::to_string(delay.count()) + " ms after '" +
               after + "' in: " + args[1] + " " + args[2]);
  const MachineState before;
  Background z(zctrace(args), background_dir());
  z.wait_for(after);
  if (::testing::Test::HasFatalFailure())
    return;
  std::this_thread::sleep_for(delay);
  kill(z.pid(), sig);
  const int status = z.wait();
  if (sig == SIGKILL) {
    EXPECT_EQ(status, 128 + SIGKILL) << z.err();
  } else {
    EXPECT_EQ(status, 130) << z.err();
    EXPECT_EQ(read_text(kSetting), before.setting) << "an interrupted run restores at once";
  }
  expect_nothing_left(before, "after the signal");
  // The next run repairs what a SIGKILL could not restore.
  const ToolResult next = run_tool(zctrace({"run", "read_write", "--size", "1M"}));
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(read_text(kSetting), before.setting);
  // No record of anything held is left: only the lock, and the probe
  // results kept for this boot (probe-cache: a cache, which no run holds).
  std::set<std::string> left = entries_of("/run/zctrace");
  left.erase("lock");
  left.erase("probe-cache");
  EXPECT_TRUE(left.empty()) << *left.begin();
}

TEST(Safety, NothingIsLeftAfterAnyEnd) {
  // The data file is being written (a large one takes seconds).
  const std::vector<std::string> filling = {"run", "tcp_zerocopy_receive", "--size", "2G"};
  // The transfer is running (small chunks over the veth make it last).
  const std::vector<std::string> moving = {"run",    "sendfile", "--sg",    "off",
                                           "--size", "512M",     "--chunk", "4K"};
  const std::vector<std::string> zc_moving = {
      "run", "tcp_zerocopy_receive", "--size", "1G", "--chunk", "4K"};
  // On a filesystem --fs made: while mkfs runs or the file is filled, and
  // while the file moves.
  const std::vector<std::string> fs_making = {"run", "read_write", "--fs", "xfs", "--size", "1G"};
  const std::vector<std::string> fs_moving = {"run", "sendfile", "--fs", "btrfs",   "--sg",
                                              "off", "--size",   "512M", "--chunk", "4K"};
  for (int sig : {SIGKILL, SIGTERM, SIGHUP, SIGINT}) {
    kill_run(filling, "", std::chrono::milliseconds(300), sig);
    kill_run(moving, "probes attached", std::chrono::milliseconds(200), sig);
    kill_run(zc_moving, "probes attached", std::chrono::milliseconds(200), sig);
    kill_run(fs_making, "", std::chrono::milliseconds(150), sig);
    kill_run(fs_moving, "probes attached", std::chrono::milliseconds(200), sig);
  }
}

TEST(Safety, InterruptDuringTheFillActsAtOnce) {
  Background z(zctrace({"run", "read_write", "--size", "4G"}), background_dir());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto sent = Clock::now();
  kill(z.pid(), SIGINT);
  const int status = z.wait();
  const auto took = Clock::now() - sent;
  EXPECT_EQ(status, 130) << z.err();
  // The fill checks between megabytes (about a millisecond each); the rest
  // is unwinding. 100 ms is the promise.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 100);
}

TEST(Safety, OverlappingRunsGiveTheAccountsOfRunsAlone) {
  const std::vector<std::vector<std::string>> runs = {{"tcp_zerocopy_receive"},
                                                      {"tcp_zerocopy_receive"},
                                                      {"sendfile", "--sg", "off"},
                                                      {"sendfile", "--sg", "off"},
                                                      {"copy_file_range"}};
  std::vector<fs::path> alone, together;
  auto args_of = [](const std::vector<std::string> &r, const fs::path &json_out) {
    std::vector<std::string> a = {"run"};
    a.insert(a.end(), r.begin(), r.end());
    for (const std::string &x :
         {std::string("--size"), std::string("16M"), std::string("--json"), json_out.string()})
      a.push_back(x);
    return zctrace(a);
  };
  for (std::size_t i = 0; i < runs.size(); ++i) {
    alone.push_back(fs::temp_directory_path() / ("zctrace-safety-alone-" + std::to_string(i)));
    together.push_back(fs::temp_directory_path() /
                       ("zctrace-safety-together-" + std::to_string(i)));
    const ToolResult r = run_tool(args_of(runs[i], alone.back()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string setting = read_text(kSetting);
  std::vector<std::unique_ptr<Background>> all;
  for (std::size_t i = 0; i < runs.size(); ++i)
    all.push_back(std::make_unique<Background>(args_of(runs[i], together[i]), background_dir()));
  for (auto &b : all)
    ASSERT_EQ(b->wait(), 0) << b->err();
  EXPECT_EQ(read_text(kSetting), setting) << "the last run out restores the shared setting";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE(runs[i][0]);
    const json a = read_document(alone[i]), t = read_document(together[i]);
    EXPECT_TRUE(t.at("integrity").at("ok").get<bool>());
    // Copies are counted per process and per payload file, and sockets by
    // the socket layer's own probes: a neighbour's are not in them. Two
    // figures vary from run to run alone too, and are compared by what
    // does not: a segment TCP resends is linearized again (without
    // scatter-gather), so the source's copies less its resent bytes; and
    // TCP_ZEROCOPY_RECEIVE maps or copies each page as segments happen to
    // fall, so copied plus mapped.
    const bool linearized = std::find(runs[i].begin(), runs[i].end(), "off") != runs[i].end();
    for (const char *role : {"source", "sink"}) {
      auto moved = [&](const json &doc) {
        const json &a = doc.at(role);
        return a.at("cpu_copy").at("bytes").get<std::int64_t>() +
               a.at("by_reference").at("bytes").get<std::int64_t>() -
               (linearized ? a.at("tcp").at("retransmitted_bytes").get<std::int64_t>() : 0);
      };
      auto syscall_bytes = [&](const json &doc) {
        std::map<std::string, std::uint64_t> out;
        for (const auto &[name, row] : doc.at(role).at("syscalls").at("by_name").items())
          if (!row.at("bytes").is_null()) // calls that move no data have none
            out[name] = row.at("bytes").get<std::uint64_t>();
        return out;
      };
      EXPECT_EQ(moved(t), moved(a)) << role;
      // What TCP_ZEROCOPY_RECEIVE leaves to read() depends on the segments.
      if (role == std::string("source") || runs[i][0] != "tcp_zerocopy_receive")
        EXPECT_EQ(syscall_bytes(t), syscall_bytes(a)) << role;
    }
    if (!::testing::Test::HasFailure()) { // kept as evidence otherwise
      fs::remove(alone[i]);
      fs::remove(together[i]);
    }
  }
}

TEST(Safety, BadInputIsRefusedBeforeAnyWork) {
  const MachineState before;
  const fs::path dir = shared_folder("bad");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", "read_write", "--json", "/nonexistent/x.json"}, "does not exist"},
      {{"run", "read_write", "--json", dir.string()}, "is a folder"},
      {{"run", "read_write", "--trace", "/nonexistent/x.json"}, "does not exist"},
      {{"report", "/nonexistent.json", "-o", dir.string()}, "is a folder"},
      {{"run", "read_write", "--size", "1000T"}, "does not fit in /var/tmp"},
      {{"run", "read_write", "--timeout", "0"}, "not a number of seconds above 0"},
      {{"run", "read_write", "--timeout", "1e400"}, "not a number of seconds above 0"},
      {{"trace", "--pid", "0", "--duration", "1"}, "not a process id"},
      {{"run", "read_write", "--seed", "-1"}, "not a whole number"},
      {{"run", "read_write", "--address", "999.1.1.1"}, "not an IPv4 address"},
      {{"run", "read_write", "--address", "192.0.2.77"}, "not an address of this machine"},
      {{"run", "read_write", "--sink-netns", "/etc/hostname"}, "not a network namespace"},
      {{"run", "read_write", "--fs", "zfs"}, "--fs: zfs not in {xfs,btrfs,ext4}"},
      {{"run", "read_write", "--fs", "xfs", "--dir", "/tmp"},
       "--fs: not with --dir (both say where the files go)"},
      {{"run", "read_write", "--fs", "xfs", "--size", "1000T"}, "does not fit in /var/tmp"},
      {{"verify", "--vmtest", "--fs", "xfs"},
       "--fs applies to this host's runs, not with --vmtest"},
  };
  for (const auto &[args, what] : cases) {
    const auto started = Clock::now();
    const ToolResult r = run_tool(zctrace(args));
    expect_one_line_error(r, 2, what);
    EXPECT_EQ(r.err.find("1797693"), std::string::npos) << r.err;
    // Refused up front: no data file was written, no probe loaded.
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count(),
              1000)
        << args[1];
  }
  expect_nothing_left(before, "after refusals");
  fs::remove_all(dir);
}

TEST(Safety, ReportEscapesEveryStringAndRefusesDepth) {
  const fs::path dir = shared_folder("report");
  const fs::path trace_json = dir / "trace.json", html = dir / "r.html", md = dir / "r.md";
  // A command whose name and arguments are markup.
  const ToolResult t =
      run_tool(zctrace({"trace", "--json", trace_json.string(), "--", "/bin/echo", "<!--<script>",
                        "</script><b>x</b>", "| a | b |", "line\u2028separator"}));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const ToolResult rep = run_tool(
      zctrace({"report", trace_json.string(), "-o", html.string(), "--markdown", md.string()}));
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const std::string page = read_text(html);
  // Inside the inline data: no '<' at all, so no "<!--" and no "</script".
  const auto data = page.find("id=\"zctrace-data\">");
  ASSERT_NE(data, std::string::npos);
  const auto end = page.find("</script>", data);
  const std::string inline_json = page.substr(data + 18, end - data - 18);
  EXPECT_EQ(inline_json.find('<'), std::string::npos);
  EXPECT_EQ(inline_json.find('>'), std::string::npos);
  EXPECT_NE(inline_json.find("\\u003c!--\\u003cscript\\u003e"), std::string::npos);
  EXPECT_EQ(inline_json.find("\u2028"), std::string::npos);
  const std::string markdown = read_text(md);
  EXPECT_EQ(markdown.find("<script>"), std::string::npos);
  EXPECT_EQ(markdown.find("<b>"), std::string::npos);
  // The page still runs its script to the end.
  const ToolResult dom =
      run_tool({"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--virtual-time-budget=5000", "--dump-dom", "file://" + html.string()});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("data-ready=\"true\""), std::string::npos) << "the script did not finish";
  // 20,000 nested arrays: one line, no page, no crash.
  const fs::path deep = dir / "deep.json";
  std::ofstream(deep) << std::string(20000, '[') << std::string(20000, ']');
  const fs::path deep_html = dir / "deep.html";
  expect_one_line_error(run_tool(zctrace({"report", deep.string(), "-o", deep_html.string()})), 2,
                        "nests deeper than");
  EXPECT_FALSE(fs::exists(deep_html));
  fs::remove_all(dir);
}

} // namespace
} // namespace zc::test
