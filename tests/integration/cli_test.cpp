// The zctrace binary as users run it: output, JSON, and one clear line with a
// non-zero exit for each kind of bad input or missing kernel feature.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "harness.h"
#include "probe_catalog.h"

namespace zc::test {
namespace {

TEST(Cli, RunPrintsTheAccountBesideTheClaims) {
  const ToolResult c = run_tool(zctrace({"run", "mmap_write", "--size", "16M"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("zctrace run mmap_write: 16 MiB in 64 KiB chunks"), std::string::npos);
  EXPECT_NE(c.out.find("integrity: ok"), std::string::npos);
  EXPECT_NE(c.out.find("claim: mmap + write"), std::string::npos);
  EXPECT_NE(c.out.find("CPU copy passes"), std::string::npos);
  EXPECT_NE(c.out.find("tcp_sendmsg_locked"), std::string::npos);
}

TEST(Cli, JsonOfARun) {
  const auto path = std::filesystem::temp_directory_path() / "zctrace-cli-run.json";
  std::filesystem::remove(path);
  const ToolResult c =
      run_tool(zctrace({"run", "splice", "--size", "8M", "--json", path.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto j = read_document(path);
  EXPECT_EQ(j.at("schema"), "zctrace.run/1");
  EXPECT_EQ(j.at("method"), "splice");
  EXPECT_EQ(j.at("params").at("size"), 8u << 20);
  EXPECT_EQ(j.at("integrity").at("ok"), true);
  EXPECT_EQ(j.at("lost_events"), 0);
  EXPECT_EQ(j.at("source").at("cpu_copy").at("bytes"), 0);
  // No copy seen: the evidence is every watched site, the read-return one included.
  EXPECT_EQ(j.at("source").at("evidence").at("cpu_copy.bytes").at("kind"), "derived");
  EXPECT_EQ(j.at("source").at("by_reference").at("bytes"), 8u << 20);
  EXPECT_EQ(j.at("source").at("evidence").at("by_reference.bytes").at("kind"), "tracepoint");
  EXPECT_EQ(j.at("sink").at("cpu_copy").at("passes"), 1.0);
  EXPECT_EQ(j.at("claims").at(0).at("id"), "splice");
  std::size_t attached = 0;
  for (const auto &p : j.at("probes"))
    attached += p.at("attached").get<bool>();
  EXPECT_GE(attached, 3u);
  std::filesystem::remove(path);
}

TEST(Cli, ListShowsEveryMethodWithItsClaims) {
  const ToolResult c = run_tool(zctrace({"list"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  for (const char *m : {"read_write", "mmap_write", "sendfile", "splice"})
    EXPECT_NE(c.out.find(std::string(m) + "  "), std::string::npos) << m;
  EXPECT_NE(c.out.find("claimed (sendfile + DMA gather): 0 CPU copies"), std::string::npos);
  // Each method's own conditions, in its block: --uncached for read_write alone.
  const std::string read_write = c.out.substr(0, c.out.find("\nmmap_write  "));
  EXPECT_NE(read_write.find("conditions: --uncached"), std::string::npos) << read_write;
  EXPECT_EQ(c.out.find("--uncached", read_write.size()), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("conditions: --io-wq"), std::string::npos) << c.out;
}

TEST(Cli, ProbesReportsWhatAttachesAndWhyNot) {
  const auto path = std::filesystem::temp_directory_path() / "zctrace-cli-probes.json";
  const ToolResult c = run_tool(zctrace({"probes", "--json", path.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("syscalls:sys_enter"), std::string::npos);
  EXPECT_NE(c.out.find("tp_btf:sys_enter"), std::string::npos);
  const auto j = read_document(path);
  EXPECT_EQ(j.at("schema"), "zctrace.probes/1");
  bool some_refusal_explained = false;
  for (const auto &p : j.at("probes")) {
    if (p.at("required").get<bool>()) {
      EXPECT_TRUE(p.at("attached").get<bool>()) << p.dump();
    }
    if (!p.at("attached").get<bool>()) {
      EXPECT_FALSE(p.at("reason").get<std::string>().empty()) << p.dump();
    }
    for (const auto &alt : p.at("alternatives"))
      if (!alt.at("usable").get<bool>()) {
        EXPECT_FALSE(alt.at("reason").get<std::string>().empty());
        some_refusal_explained = true;
      }
  }
  // dma:dma_map_page was renamed dma:dma_map_phys: one of them is absent on any kernel.
  EXPECT_TRUE(some_refusal_explained);
  std::filesystem::remove(path);
}

TEST(Cli, CrosscheckAgreesWithSyscallReturnsTheSinkAndBpftrace) {
  const auto path = std::filesystem::temp_directory_path() / "zctrace-crosscheck.json";
  const ToolResult c =
      run_tool(zctrace({"crosscheck", "--size", "16M", "--bpftrace", "--json", path.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  expect_fits_100_columns(c.out, "crosscheck");
  EXPECT_EQ(c.out.find("DIFFERS"), std::string::npos) << c.out;
  // The JSON has every check the text has, each agreeing or saying why it cannot be compared.
  const auto doc = read_document(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(doc.at("checks").empty());
  std::set<std::string> routes;
  for (const auto &check : doc.at("checks")) {
    EXPECT_TRUE(check.at("ok").is_null() ? check.at("not_comparable").is_string()
                                         : check.at("ok").get<bool>())
        << check.dump();
    routes.insert(check.at("route").get<std::string>());
  }
  for (const char *route :
       {"the sink's own count", "the source's read() returns", "half the source's splice() returns",
        "bpftrace: skb:skb_copy_datagram_iovec len, comm zc-sink"})
    EXPECT_TRUE(routes.count(route)) << route;
}

TEST(CliErrors, UnknownMethod) {
  expect_one_line_error(run_tool(zctrace({"run", "memcpy"})), 2, "unknown method 'memcpy'");
}

TEST(CliErrors, BadSize) {
  expect_one_line_error(run_tool(zctrace({"run", "sendfile", "--size", "64X"})), 2,
                        "bad size '64X'");
  expect_one_line_error(run_tool(zctrace({"run", "sendfile", "--chunk", "0"})), 2, "bad size '0'");
}

TEST(CliErrors, NotRootAndNoCapabilities) {
  expect_one_line_error(run_tool({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                  "--inh-caps=-all", ZCTRACE_BINARY, "run", "mmap_write"}),
                        1, "needs root, or CAP_BPF and CAP_PERFMON");
  // Root, but with every capability dropped.
  expect_one_line_error(run_tool({"setpriv", "--inh-caps=-all", "--bounding-set=-all",
                                  ZCTRACE_BINARY, "run", "mmap_write"}),
                        1, "needs root, or CAP_BPF and CAP_PERFMON");
}

TEST(CliErrors, NoKernelBtf) {
  // zctrace in a private mount namespace where /sys/kernel/btf is an empty
  // tmpfs. Only /sys is made private, so nothing leaks to the host, and no
  // assumption is made about / (a chroot's / is not even a mount point).
  int err[2];
  ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(nullptr, "/sys", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        mount("none", "/sys/kernel/btf", "tmpfs", 0, nullptr) != 0)
      _exit(120);
    execl(ZCTRACE_BINARY, ZCTRACE_BINARY, "run", "mmap_write", static_cast<char *>(nullptr));
    _exit(127);
  }
  close(err[1]);
  ToolResult c;
  char buf[4096];
  ssize_t n;
  while ((n = read(err[0], buf, sizeof(buf))) > 0)
    c.err.append(buf, static_cast<std::size_t>(n));
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_NE(WEXITSTATUS(status), 120) << "could not hide /sys/kernel/btf";
  c.exit_code = WEXITSTATUS(status);
  expect_one_line_error(c, 1, "no kernel BTF at /sys/kernel/btf/vmlinux");
}

TEST(CliErrors, RequiredProbeMissingOnThisKernel) {
  // Find an attach point of the catalog this kernel does not have (the
  // dma_map_page / dma_map_phys rename guarantees one), and require it.
  std::string absent;
  for (const ProbeDef &def : probe_catalog())
    for (const auto &alt : def.alternatives)
      if (absent.empty() && !features().check(alt.kind, alt.target).ok)
        absent = alt.attach_point();
  ASSERT_FALSE(absent.empty()) << "every catalog attach point exists here";
  expect_one_line_error(run_tool(zctrace({"run", "mmap_write", "--require", absent})), 1,
                        "required probe " + absent + " cannot attach on this kernel");
}

TEST(CliErrors, UnknownRequiredProbe) {
  expect_one_line_error(
      run_tool(zctrace({"run", "mmap_write", "--require", "tp_btf:no_such_thing"})), 2,
      "unknown probe 'tp_btf:no_such_thing'");
}

// zctrace with `args`, interrupted with SIGINT once its probes are attached:
// it exits 130 saying so, and none of the BPF programs it loaded remain.
void interrupt_once_attached(const std::vector<std::string> &args) {
  const auto before = loaded_bpf_programs();
  int err[2];
  ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
  std::vector<char *> argv = {const_cast<char *>(ZCTRACE_BINARY)};
  for (const auto &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execv(ZCTRACE_BINARY, argv.data());
    _exit(127);
  }
  close(err[1]);
  std::string stderr_text;
  char buf[4096];
  while (stderr_text.find("probes attached") == std::string::npos) {
    const ssize_t n = read(err[0], buf, sizeof(buf));
    ASSERT_GT(n, 0) << "zctrace ended before attaching: " << stderr_text;
    stderr_text.append(buf, static_cast<std::size_t>(n));
  }
  // zctrace's own programs: those loaded now that were not before. (Programs
  // of earlier processes may still be on their way out: an exiting
  // process's programs are freed after an RCU grace period.)
  auto new_programs = [&] {
    std::vector<std::uint32_t> added;
    for (std::uint32_t id : loaded_bpf_programs())
      if (std::find(before.begin(), before.end(), id) == before.end())
        added.push_back(id);
    return added;
  };
  EXPECT_FALSE(new_programs().empty()) << "zctrace loaded no BPF program";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  ssize_t n;
  while ((n = read(err[0], buf, sizeof(buf))) > 0)
    stderr_text.append(buf, static_cast<std::size_t>(n));
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << stderr_text;
  EXPECT_EQ(WEXITSTATUS(status), 130) << stderr_text;
  EXPECT_NE(stderr_text.find("zctrace: error: interrupted"), std::string::npos) << stderr_text;
  // None of them may remain; give the RCU grace period a moment.
  auto after = new_programs();
  for (int i = 0; i < 50 && !after.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = new_programs();
  }
  EXPECT_TRUE(after.empty()) << after.size() << " BPF programs were left behind";
}

TEST(CliErrors, InterruptDetachesEverything) {
  auto entries = [] {
    std::set<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator("/var/tmp"))
      out.insert(e.path().filename().string());
    return out;
  };
  const std::set<std::string> before = entries();
  // Small chunks make a transfer that lasts seconds.
  interrupt_once_attached({"run", "read_write", "--size", "256M", "--chunk", "512"});
  // And nothing is left in the data file's folder (the file never had a name).
  EXPECT_EQ(entries(), before);
}

TEST(CliErrors, InterruptedTraceDetachesAndLeavesAPartialTrace) {
  const auto json_path = std::filesystem::temp_directory_path() / "zctrace-interrupted.json";
  const auto trace_path = std::filesystem::temp_directory_path() / "zctrace-interrupted.trace.json";
  std::filesystem::remove(json_path);
  std::filesystem::remove(trace_path);
  interrupt_once_attached(
      {"trace", "--json", json_path.string(), "--trace", trace_path.string(), "--", "sleep", "30"});
  const auto doc = read_document(json_path);
  EXPECT_TRUE(doc.at("partial").get<bool>());
  EXPECT_EQ(doc.at("note"), "interrupted by SIGINT");
  // The command does not outlive the trace: SIGTERM first, which sleep obeys.
  EXPECT_EQ(doc.at("exit_signal"), SIGTERM);
  const auto trace = read_document(trace_path);
  EXPECT_TRUE(trace.at("otherData").at("partial").get<bool>());
}

TEST(CliErrors, ParametersThatDoNotSuitTheMethod) {
  expect_one_line_error(run_tool(zctrace({"run", "direct_io", "--chunk", "1000"})), 2,
                        "multiple of 4096");
  expect_one_line_error(run_tool(zctrace({"run", "sendfile", "--io-wq"})), 2,
                        "--io-wq applies to the io_uring methods only");
  expect_one_line_error(run_tool(zctrace({"run", "copy_file_range", "--sg", "off"})), 2,
                        "--sg does not apply to copy_file_range");
  expect_one_line_error(run_tool(zctrace({"run", "tcp_zerocopy_receive", "--sg", "off"})), 2,
                        "no page to map");
  expect_one_line_error(run_tool(zctrace({"run", "sendfile", "--sg", "sometimes"})), 2, "--sg");
}

// kernel.io_uring_disabled=2 (6.6+) turns io_uring off for everyone: the
// io_uring methods cannot run, and say why; compare skips them.
class IoUringDisabled {
public:
  IoUringDisabled() {
    std::ifstream in(kPath);
    std::getline(in, old_);
    present_ = static_cast<bool>(in);
    if (present_)
      std::ofstream(kPath) << "2\n";
  }
  ~IoUringDisabled() {
    if (present_)
      std::ofstream(kPath) << old_ << "\n";
  }
  bool present() const { return present_; }

private:
  static constexpr const char *kPath = "/proc/sys/kernel/io_uring_disabled";
  std::string old_;
  bool present_ = false;
};

TEST(CliErrors, AMethodThisKernelCannotRunSaysWhyAndCompareSkipsIt) {
  IoUringDisabled off;
  if (!off.present())
    GTEST_SKIP() << "this kernel has no kernel.io_uring_disabled";
  expect_one_line_error(run_tool(zctrace({"run", "io_uring_rw"})), 4,
                        "io_uring_rw cannot run here: io_uring cannot be used here");
  const ToolResult c =
      run_tool(zctrace({"compare", "io_uring_send_zc", "sendfile", "--size", "4M", "--wide"}));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("skipped: io_uring_send_zc cannot run here"), std::string::npos) << c.out;
}

// Exit 0 as a script sees it: the claim asked for checked whole and holding.
// (Exit 6, checked whole and differing, needs a NIC: the vm tests run it.)
TEST(Cli, VerifyOfOneClaimThatHoldsExitsZero) {
  const auto path = std::filesystem::temp_directory_path() / "zctrace-verify-cow.json";
  const ToolResult c =
      run_tool(zctrace({"verify", "--claim", "cow", "--size", "4M", "--json", path.string()}));
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_EQ(c.err.find("error"), std::string::npos) << c.err;
  const auto doc = read_document(path);
  std::filesystem::remove(path);
  const auto &claims = doc.at("kernels").at(0).at("claims");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims.at(0).at("id"), "cow");
  EXPECT_TRUE(doc.at("summary").at("every_claim_checked").get<bool>());
  EXPECT_GE(doc.at("summary").at("holds").get<int>(), 1);
  EXPECT_EQ(doc.at("summary").at("differs"), 0);
  expect_one_line_error(run_tool(zctrace({"verify", "--claim", "nosuch"})), 2,
                        "unknown claim 'nosuch'");
}

TEST(Cli, CompareAllRunsEveryMethodUnderTheSameConditions) {
  const std::string path = std::filesystem::temp_directory_path() / "zctrace-compare.json";
  const ToolResult c = run_tool(zctrace({"compare", "all", "--size", "4M", "--json", path}));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  expect_fits_100_columns(c.out, "compare all");
  const auto doc = read_document(path);
  EXPECT_EQ(doc.at("schema"), "zctrace.compare/1");
  EXPECT_EQ(doc.at("conditions").at("route"), "loopback");
  const auto &points = doc.at("points");
  ASSERT_EQ(points.size(), 16u);
  for (const auto &p : points) {
    EXPECT_EQ(p.at("status"), "ok") << p.at("method") << ": " << p.at("reason");
    EXPECT_EQ(p.at("size"), 4u << 20);
    EXPECT_EQ(p.at("runs").size(), 1u);
    EXPECT_EQ(p.at("runs")[0].at("schema"), "zctrace.run/1");
    EXPECT_FALSE(p.at("summary").at("source_cpu_passes").is_null()) << p.at("method");
    EXPECT_NE(c.out.find("\n" + p.at("method").get<std::string>() + " "), std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST(Cli, SweepShowsWhereEachMethodWins) {
  const std::string path = std::filesystem::temp_directory_path() / "zctrace-sweep.json";
  const ToolResult c = run_tool(zctrace(
      {"sweep", "mmap_write", "sendfile", "--size", "8M", "--chunk", "4K,1M", "--json", path}));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  const auto doc = read_document(path);
  EXPECT_EQ(doc.at("schema"), "zctrace.sweep/1");
  ASSERT_EQ(doc.at("points").size(), 4u);
  // mmap_write takes one write per chunk: 2048 at 4K, 8 at 1M.
  EXPECT_EQ(doc.at("points")[0].at("method"), "mmap_write");
  EXPECT_EQ(doc.at("points")[0].at("chunk"), 4096u);
  EXPECT_GE(doc.at("points")[0].at("summary").at("source_syscalls"), 2048u);
  EXPECT_LT(doc.at("points")[2].at("summary").at("source_syscalls"), 40u);
  ASSERT_EQ(doc.at("winners").size(), 2u);
  ASSERT_EQ(doc.at("claims").size(), 1u);
  EXPECT_EQ(doc.at("claims")[0].at("id"), "rocketmq_kafka");
  EXPECT_EQ(doc.at("claims")[0].at("verdicts").size(), 4u);
  EXPECT_NE(c.out.find("where each method wins"), std::string::npos) << c.out;
  std::filesystem::remove(path);
}

TEST(Cli, VersionNamesZctraceItsGitTreeAndLibbpf) {
  const ToolResult v = run_tool(zctrace({"--version"}));
  ASSERT_EQ(v.exit_code, 0) << v.err;
  // The git description of the tree this test was built from, by git itself.
  const ToolResult git =
      run_tool({"git", "-C", ZCTRACE_SOURCE_DIR, "describe", "--always", "--dirty", "--tags"});
  const std::regex line(
      "zctrace [0-9]+\\.[0-9]+\\.[0-9]+ \\(git ([^)]+)\\), libbpf v?[0-9]+\\.[0-9]+\n");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(v.out, m, line)) << v.out;
  if (git.exit_code == 0)
    EXPECT_EQ(m[1].str() + "\n", git.out);
}

TEST(Cli, JsonToStandardOutputWithItsProducer) {
  const ToolResult r = run_tool(zctrace({"run", "mmap_write", "--size", "1M", "--json", "-"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Standard output is the JSON alone; the text went to standard error.
  const nlohmann::json doc = parse_document(r.out);
  EXPECT_EQ(doc.at("schema"), "zctrace.run/1");
  EXPECT_NE(r.err.find("zctrace run mmap_write"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists("-"));
  const nlohmann::json &by = doc.at("produced_by");
  EXPECT_EQ(by.at("command_line").back(), "-");
  EXPECT_EQ(by.at("command_line")[1], "run");
  utsname u{};
  ASSERT_EQ(uname(&u), 0);
  EXPECT_EQ(by.at("host"), u.nodename);
  EXPECT_EQ(by.at("kernel"), u.release);
  EXPECT_EQ(by.at("kernel"), doc.at("kernel").at("release"));
  EXPECT_TRUE(std::regex_match(by.at("started_at").get<std::string>(),
                               std::regex("20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
                                          "[0-6][0-9]Z")));
  // --quiet: no text at all, before or after the subcommand; -v likewise.
  const ToolResult q =
      run_tool(zctrace({"-q", "run", "mmap_write", "--size", "1M", "--json", "-", "-v"}));
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(parse_document(q.out).at("schema"), "zctrace.run/1");
  EXPECT_EQ(q.err.find("zctrace run mmap_write"), std::string::npos) << q.err;
  // Only --json takes -.
  expect_one_line_error(run_tool(zctrace({"run", "mmap_write", "--trace", "-"})), 2,
                        "taken by --json only");
}

TEST(Cli, HelpGivesTheExitStatusesAndNoParserArtefacts) {
  std::vector<std::vector<std::string>> helps = {{"--help"}};
  const ToolResult top = run_tool(zctrace({"--help"}));
  const std::regex command_line("\n  ([a-z]+)  +[a-z]");
  for (std::sregex_iterator it(top.out.begin(), top.out.end(), command_line), end; it != end; ++it)
    helps.push_back({(*it)[1], "--help"});
  ASSERT_GE(helps.size(), 12u);
  for (const auto &args : helps) {
    const ToolResult h = run_tool(zctrace(args));
    ASSERT_EQ(h.exit_code, 0);
    expect_fits_100_columns(h.out, args[0] + " --help");
    for (const char *status : {"0 ok", "2 bad input", "3 the sink", "4 the method", "130"})
      EXPECT_NE(h.out.find(status), std::string::npos) << args[0] << ": " << status;
    // What CLI11 would show of its own types and validators.
    for (const char *artefact : {"{false}", "{true}", "TEXT", "UINT", "FLOAT", " in [", ":{"})
      EXPECT_EQ(h.out.find(artefact), std::string::npos) << args[0] << ": " << artefact;
  }
}

// Options shared by several subcommands mean the same in each: the same
// kind of value and the same words, but for the default each states (and
// the list sweep takes). --json names the document of each, and --repeat
// and --runtime what each times: their words differ, their values do not.
TEST(Cli, AnOptionMeansTheSameInEverySubcommand) {
  const ToolResult top = run_tool(zctrace({"--help"}));
  const std::regex command_line("\n  ([a-z]+)  +[a-z]");
  // option -> subcommand -> (what it takes, its description without the default)
  std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>> seen;
  const std::regex option_line(
      "^  (-[a-z],)?(--[a-z][a-z0-9-]*)( ([A-Z][A-Za-z|,.-]*|[a-z]+\\|[a-z]+)"
      "( \\.\\.\\.)?)? +(.*)$");
  for (std::sregex_iterator it(top.out.begin(), top.out.end(), command_line), end; it != end;
       ++it) {
    const std::string sub = (*it)[1];
    const ToolResult h = run_tool(zctrace({sub, "--help"}));
    // Descriptions wrapped at 100 columns continue on lines of their own.
    std::vector<std::string> lines;
    std::istringstream in(h.out);
    for (std::string l; std::getline(in, l);) {
      if (!lines.empty() && l.rfind("        ", 0) == 0)
        lines.back() += " " + l.substr(l.find_first_not_of(' '));
      else
        lines.push_back(l);
    }
    for (const std::string &l : lines) {
      std::smatch m;
      if (!std::regex_match(l, m, option_line) || m[2] == "--help")
        continue;
      EXPECT_NE(m[4], "VALUE") << sub << " " << m[2] << ": says what it takes in a word";
      std::string words = std::regex_replace(m[6].str(), std::regex(" ?\\(default[^)]*\\)"), "");
      words = std::regex_replace(words, std::regex(", several or a comma-separated list"), "");
      seen[m[2]][sub] = {m[4], words};
    }
  }
  ASSERT_GE(seen.size(), 20u);
  std::size_t shared = 0;
  for (const auto &[option, by_sub] : seen) {
    if (by_sub.size() < 2)
      continue;
    ++shared;
    const auto &[first_sub, first] = *by_sub.begin();
    for (const auto &[sub, use] : by_sub) {
      EXPECT_EQ(use.first, first.first)
          << option << " takes one thing in " << first_sub << ", another in " << sub;
      if (option != "--json" && option != "--repeat" && option != "--runtime")
        EXPECT_EQ(use.second, first.second) << option << " in " << first_sub << " and " << sub;
    }
  }
  EXPECT_GE(shared, 15u) << "options in several subcommands";
  // --timeout is how long a run may take, wherever it is; a VM's is --vm-timeout.
  for (const auto &[sub, use] : seen.at("--timeout"))
    EXPECT_NE(use.second.find("run"), std::string::npos) << sub;
}

// The names of every subcommand, and of every option of each, as --help
// lists them.
std::map<std::string, std::set<std::string>> options_in_help() {
  std::map<std::string, std::set<std::string>> out;
  const ToolResult top = run_tool(zctrace({"--help"}));
  const std::regex command_line("\n  ([a-z]+)  +[a-z]");
  for (std::sregex_iterator it(top.out.begin(), top.out.end(), command_line), end; it != end;
       ++it) {
    const std::string sub = (*it)[1];
    const ToolResult h = run_tool(zctrace({sub, "--help"}));
    const std::regex option("(--[a-z][a-z0-9-]*)");
    for (std::sregex_iterator o(h.out.begin(), h.out.end(), option); o != end; ++o)
      out[sub].insert((*o)[1]);
  }
  return out;
}

TEST(Install, BinaryManPageAndCompletion) {
  const std::filesystem::path prefix =
      std::filesystem::temp_directory_path() / ("zctrace-install-" + std::to_string(getpid()));
  const ToolResult inst =
      run_tool({"cmake", "--install", ZCTRACE_BUILD_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(inst.exit_code, 0) << inst.out << inst.err;
  const std::string bin = (prefix / "bin/zctrace").string();
  const ToolResult v = run_tool({bin, "--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, run_tool(zctrace({"--version"})).out);
  // The Java methods' program, where the installed binary looks for it.
  EXPECT_TRUE(std::filesystem::exists(prefix / "share/zctrace/java/ZcJavaSource.class"));
  // The schemas, as the source tree has them.
  const ToolResult schemas = run_tool({ZCTRACE_SOURCE_DIR "/scripts/validate-json.py", "--schemas",
                                       (prefix / "share/zctrace/schemas").string(),
                                       ZCTRACE_SOURCE_DIR "/analysis/claims.json"});
  EXPECT_EQ(schemas.exit_code, 0) << schemas.out << schemas.err;

  // zctrace(1) as man renders it: every subcommand and every option its
  // --help lists, and every exit status.
  const std::string page = (prefix / "share/man/man1/zctrace.1").string();
  ASSERT_TRUE(std::filesystem::exists(page));
  const ToolResult man = run_tool({"env", "MANWIDTH=200", "man", "-l", page});
  ASSERT_EQ(man.exit_code, 0) << man.err;
  const auto commands = options_in_help();
  EXPECT_GE(commands.size(), 11u);
  for (const auto &[sub, options] : commands) {
    EXPECT_NE(man.out.find("\n   " + sub + "\n"), std::string::npos) << sub;
    for (const std::string &o : options)
      EXPECT_NE(man.out.find(o), std::string::npos) << sub << " " << o;
  }
  for (const char *status :
       {"0 ok", "2 bad input", "3 the sink", "4 the method", "5 verify", "130"})
    EXPECT_NE(man.out.find(status), std::string::npos) << status;

  // The completion, as bash runs it: subcommands, methods, options.
  const std::string completion = (prefix / "share/bash-completion/completions/zctrace").string();
  auto complete = [&](const std::string &words, int cword) {
    return run_tool({"bash", "-c",
                     "source '" + completion + "'; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                         std::to_string(cword) + "; _zctrace; echo \"${COMPREPLY[*]}\""})
        .out;
  };
  EXPECT_EQ(complete("zctrace ru", 1), "run\n");
  EXPECT_EQ(complete("zctrace run mmap_w", 2), "mmap_write\n");
  EXPECT_EQ(complete("zctrace sweep --chu", 2), "--chunk\n");
  EXPECT_EQ(complete("zctrace compare sendfile --cache c", 4), "cold\n");
  std::filesystem::remove_all(prefix);
}

TEST(Cli, LongCommandsShowProgressOnATerminalOrWithVerbose) {
  // Standard error is a pipe here: nothing but what went wrong, unless -v.
  const std::vector<std::string> args = {"compare", "mmap_write", "sendfile", "--size",
                                         "1M",      "--repeat",   "1"};
  const ToolResult quiet = run_tool(zctrace(args));
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("[1/2]"), std::string::npos) << quiet.err;
  std::vector<std::string> verbose = args;
  verbose.push_back("-v");
  const ToolResult v = run_tool(zctrace(verbose));
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find("[1/2] mmap_write, 1 MiB in 64 KiB chunks ..."), std::string::npos);
  EXPECT_NE(v.err.find("[2/2] sendfile, 1 MiB in 64 KiB chunks ..."), std::string::npos);
  // Each point ends with its outcome and time (libbpf's own lines, which -v
  // also prints, may come between).
  const std::regex done(" ok, [0-9]+\\.[0-9] s\n");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(v.err.begin(), v.err.end(), done), std::sregex_iterator()),
      2);
}

TEST(Cli, RunFitsOneHundredColumnsAndWideAddsTheEvidence) {
  const ToolResult r = run_tool(zctrace({"run", "mmap_write", "--size", "1M"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_fits_100_columns(r.out, "run");
  // list and probes, whose lines are the longest prose: wrapped at spaces.
  for (const char *command : {"list", "probes"}) {
    const ToolResult t = run_tool(zctrace({command}));
    ASSERT_EQ(t.exit_code, 0) << t.err;
    expect_fits_100_columns(t.out, command);
    const ToolResult wide = run_tool(zctrace({command, "--wide"}));
    std::size_t widest = 0;
    std::istringstream lines(wide.out);
    for (std::string line; std::getline(lines, line);)
      widest = std::max(widest, line.size());
    EXPECT_GT(widest, 100u) << command << " --wide keeps a long line whole";
  }
  // The articles' context switches are per buffer: on the per-chunk row.
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n  per chunk [^\n]*4 context switches\n")))
      << r.out;
  const ToolResult w = run_tool(zctrace({"run", "mmap_write", "--size", "1M", "--wide"}));
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_NE(w.out.find("evidence (source)"), std::string::npos);
  EXPECT_NE(w.out.find("tracepoint tp_btf:tcp_sendmsg_locked"), std::string::npos);
  EXPECT_EQ(r.out.find("evidence (source)"), std::string::npos);
}

} // namespace
} // namespace zc::test
