// zctrace on programs nobody here wrote, from Debian's packages: nginx
// (started by zctrace, and already running, traced by its master's pid),
// python3, coreutils, iperf3, fio and a small Java program. Each test checks
// the copy method zctrace saw and its bytes against the program's own count
// (curl's size_download, iperf3 -J, fio's io_bytes, the receiver's count)
// to the byte, that the totals are known, and that no process of the command
// is left once zctrace has exited. Also how a trace ends: the whole tree,
// with the command's own exit status, even when zctrace is SIGKILLed.
//
// Exact although servers write headers too: a sendfile row counts sendfile's
// bytes only (nginx writes its headers with writev), and a read+write row
// counts what was both read from the file and written (min of the two).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "background.h"
#include "documents.h"
#include "harness.h"

namespace zc::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

// A folder of this test's own, removed at the end; readable by nginx's
// workers (they run as nobody).
struct Scratch {
  fs::path dir;
  Scratch() {
    char templ[] = "/var/tmp/zctrace-real-XXXXXX";
    dir = mkdtemp(templ);
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path file(const std::string &name, std::uint64_t size) const {
    const fs::path p = dir / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    std::string block(1 << 16, 'q');
    for (std::uint64_t i = 0; i < size; i += block.size())
      out.write(block.data(),
                static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), size - i)));
    return p;
  }
};

json read_json(const fs::path &p) {
  std::ifstream in(p);
  return json::parse(in);
}

int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr *>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(s, reinterpret_cast<sockaddr *>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// Whether a socket listens on `port`, as /proc/net/tcp says: connecting
// to find out would be a connection the server counts (iperf3 -s -1 takes
// it for its one client).
bool port_open(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line); // the header
  while (std::getline(tcp, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    const auto colon = local.find(':');
    if (state == "0A" && colon != std::string::npos &&
        std::stoi(local.substr(colon + 1), nullptr, 16) == port)
      return true;
  }
  return false;
}

void wait_for_port(int port) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!port_open(port)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "nothing listens on " << port;
    std::this_thread::sleep_for(10ms);
  }
}

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line))
    return false;
  const auto close_paren = line.rfind(')');
  return close_paren != std::string::npos && line[close_paren + 2] != 'Z';
}

// curl's own count of the body bytes it received, over `times` requests.
std::uint64_t curl_bytes(const std::string &url, int times) {
  std::uint64_t total = 0;
  for (int i = 0; i < times; ++i) {
    const ToolResult r = run_tool({"curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", url});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    total += std::stoull(r.out.empty() ? "0" : r.out);
  }
  return total;
}

// The bytes of every row of `method` from a `from` to a `to` (kinds), in
// every process: nginx's workers share the requests, and each request's
// file is a descriptor of its own.
std::uint64_t bytes_of(const json &doc, const std::string &method, const std::string &from,
                       const std::string &to) {
  std::uint64_t total = 0;
  for (const json &u : doc.at("methods_seen"))
    if (u.at("method") == method && !u.at("from").is_null() && u.at("from").at("kind") == from &&
        !u.at("to").is_null() && u.at("to").at("kind") == to)
      total += u.at("bytes").get<std::uint64_t>();
  return total;
}

// The largest row of `method` in the trace, among every process.
const json *biggest(const json &doc, const std::string &method) {
  const json *best = nullptr;
  for (const json &u : doc.at("methods_seen"))
    if (u.at("method") == method && (!best || u.at("bytes") > best->at("bytes")))
      best = &u;
  return best;
}

// zctrace's figure and the program's own count of the same bytes agree
// exactly: both count what the syscalls returned.
void expect_same_bytes(std::uint64_t measured, std::uint64_t own, const std::string &what) {
  EXPECT_EQ(measured, own) << what;
}

// The largest row of `method`, which must exist and have moved `own`
// bytes; null (a failure recorded) when there is none.
const json *expect_moved(const json &doc, const std::string &method, std::uint64_t own) {
  const json *u = biggest(doc, method);
  EXPECT_NE(u, nullptr) << "no " << method << " row in " << doc.at("methods_seen").dump(1);
  if (u)
    expect_same_bytes(u->at("bytes"), own, method);
  return u;
}

// The totals are known, and no process zctrace followed is alive.
void expect_complete(const json &doc) {
  const json &a = doc.at("program");
  EXPECT_FALSE(a.at("cpu_copy").at("bytes").is_null())
      << a.at("evidence").at("cpu_copy.bytes").dump();
  EXPECT_FALSE(a.at("by_reference").at("bytes").is_null())
      << a.at("evidence").at("by_reference.bytes").dump();
  EXPECT_EQ(doc.at("events").at("flows_lost"), 0);
  EXPECT_EQ(doc.at("events").at("lost"), 0);
  ASSERT_FALSE(doc.at("followed").empty());
  for (const json &p : doc.at("followed"))
    EXPECT_FALSE(alive(p.at("pid").get<pid_t>())) << p.dump() << " is still running";
}

struct NginxConf {
  fs::path conf;
  int port;
};

NginxConf nginx_conf(const Scratch &s, bool sendfile, int workers, int connections = 1024) {
  const int port = free_port();
  const fs::path conf = s.dir / "nginx.conf";
  std::ofstream(conf) << "daemon off;\nmaster_process on;\nworker_processes " << workers
                      << ";\npid " << (s.dir / "nginx.pid").string() << ";\nerror_log "
                      << (s.dir / "error.log").string() << ";\nevents { worker_connections "
                      << connections << "; }\nhttp {\n  access_log off;\n  sendfile "
                      << (sendfile ? "on" : "off") << ";\n  client_body_temp_path "
                      << (s.dir / "tmp").string() << ";\n  proxy_temp_path "
                      << (s.dir / "tmp").string() << ";\n  fastcgi_temp_path "
                      << (s.dir / "tmp").string() << ";\n  uwsgi_temp_path "
                      << (s.dir / "tmp").string() << ";\n  scgi_temp_path "
                      << (s.dir / "tmp").string() << ";\n  server {\n    listen 127.0.0.1:" << port
                      << ";\n    root " << (s.dir / "www").string() << ";\n  }\n}\n";
  return {conf, port};
}

std::vector<std::string> nginx_argv(const NginxConf &c, const Scratch &s) {
  return {"nginx", "-p", s.dir.string(), "-c", c.conf.string()};
}

// `trace_args` (a zctrace command line up to its options) running nginx.
std::vector<std::string> tracing_nginx(std::vector<std::string> trace_args, const NginxConf &c,
                                       const Scratch &s) {
  trace_args.push_back("--");
  for (const auto &a : nginx_argv(c, s))
    trace_args.push_back(a);
  return trace_args;
}

// nginx started by zctrace: the trace ends at --duration with the whole
// tree (master and workers) ended, exit 0; what it served, sendfile or
// read+write, is the bytes curl received.
void nginx_started_by_zctrace(bool sendfile) {
  Scratch s;
  s.file("www/data", 8ull << 20);
  const NginxConf c = nginx_conf(s, sendfile, 2);
  const fs::path out = s.dir / "t.json";
  Background zctrace(
      tracing_nginx({ZCTRACE_BINARY, "trace", "--duration", "4", "--json", out.string()}, c, s),
      s.dir);
  zctrace.wait_for("tracing");
  wait_for_port(c.port);
  const std::uint64_t received =
      curl_bytes("http://127.0.0.1:" + std::to_string(c.port) + "/data", 4);
  EXPECT_EQ(received, 32ull << 20);
  EXPECT_EQ(zctrace.wait(), 0) << zctrace.err();
  const json doc = read_document(out);
  EXPECT_NE(doc.at("ended").get<std::string>().find("--duration"), std::string::npos);
  const std::string method = sendfile ? "sendfile" : "read+write";
  ASSERT_NE(biggest(doc, method), nullptr) << doc.at("methods_seen").dump(1);
  expect_same_bytes(bytes_of(doc, method, "file", "socket"), received,
                    "nginx's file to its sockets");
  EXPECT_GE(doc.at("followed").size(), 3u) << doc.at("followed").dump(); // master, 2 workers
  expect_complete(doc);
}

TEST(RealPrograms, NginxStartedByZctraceWithSendfile) { nginx_started_by_zctrace(true); }
TEST(RealPrograms, NginxStartedByZctraceWithoutSendfile) { nginx_started_by_zctrace(false); }

// nginx already running, traced by its master's pid: its two workers, which
// existed before zctrace attached, are followed and do the sending.
TEST(RealPrograms, RunningNginxTracedByItsMastersPid) {
  Scratch s;
  s.file("www/data", 8ull << 20);
  const NginxConf c = nginx_conf(s, true, 2);
  Background nginx(nginx_argv(c, s), s.dir);
  wait_for_port(c.port);
  const fs::path out = s.dir / "t.json";
  Background zctrace({ZCTRACE_BINARY, "trace", "--pid", std::to_string(nginx.pid()), "--duration",
                      "3", "--json", out.string()},
                     s.dir);
  zctrace.wait_for("tracing");
  const std::uint64_t received =
      curl_bytes("http://127.0.0.1:" + std::to_string(c.port) + "/data", 4);
  EXPECT_EQ(zctrace.wait(), 0) << zctrace.err();
  const json doc = read_document(out);
  int running = 0;
  for (const json &p : doc.at("followed"))
    running += p.at("how") == "already running";
  EXPECT_GE(running, 2) << doc.at("followed").dump(1);
  std::uint64_t by_workers = 0;
  for (const json &u : doc.at("methods_seen"))
    if (u.at("method") == "sendfile") {
      EXPECT_EQ(u.at("role"), "child") << u.dump(); // a worker, not the master
      by_workers += u.at("bytes").get<std::uint64_t>();
    }
  expect_same_bytes(by_workers, received, "the workers' sendfile");
  EXPECT_FALSE(doc.at("program").at("cpu_copy").at("bytes").is_null());
  EXPECT_TRUE(alive(nginx.pid())) << "zctrace --pid must not end what it did not start";
}

TEST(RealPrograms, PythonSocketSendfileAndHttpServer) {
  Scratch s;
  const fs::path file = s.file("www/data", 16ull << 20);
  const fs::path out = s.dir / "t.json";
  const ToolResult c =
      run_tool(zctrace({"trace", "--json", out.string(), "--", "python3",
                        ZCTRACE_SOURCE_DIR "/tests/programs/py_sendfile.py", file.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(c.out, m, std::regex("sent (\\d+) received (\\d+)"))) << c.out;
  const std::uint64_t received = std::stoull(m[2]);
  EXPECT_EQ(received, 16ull << 20);
  json doc = read_document(out);
  expect_moved(doc, "sendfile", received);
  expect_complete(doc);

  // http.server copies the file through user memory.
  const int port = free_port();
  Background zctrace({ZCTRACE_BINARY, "trace", "--duration", "4", "--json", out.string(), "--",
                      "python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1",
                      "--directory", (s.dir / "www").string()},
                     s.dir);
  zctrace.wait_for("tracing");
  wait_for_port(port);
  const std::uint64_t got = curl_bytes("http://127.0.0.1:" + std::to_string(port) + "/data", 2);
  EXPECT_EQ(zctrace.wait(), 0) << zctrace.err();
  doc = read_document(out);
  expect_moved(doc, "read+write", got);
  expect_complete(doc);
}

// coreutils: cp copies the file in the kernel, cat and dd through user
// memory, dd iflag=direct with O_DIRECT reads.
TEST(RealPrograms, CoreutilsCpCatAndDd) {
  Scratch s;
  const std::uint64_t size = 16ull << 20;
  const fs::path src = s.file("src", size), dst = s.dir / "dst", out = s.dir / "t.json";
  struct Case {
    std::string command, method;
  };
  for (const Case &k : std::vector<Case>{
           {"cp " + src.string() + " " + dst.string(), "copy_file_range"},
           {"cat " + src.string() + " | cat > " + dst.string(), "read+write"},
           {"dd if=" + src.string() + " of=" + dst.string() + " bs=64k", "read+write"},
           {"dd if=" + src.string() + " of=" + dst.string() + " bs=64k iflag=direct",
            "direct_io"}}) {
    SCOPED_TRACE(k.command);
    fs::remove(dst);
    const ToolResult c =
        run_tool(zctrace({"trace", "--json", out.string(), "--", "sh", "-c", k.command}));
    ASSERT_EQ(c.exit_code, 0) << c.err;
    ASSERT_EQ(fs::file_size(dst), size);
    const json doc = read_document(out);
    expect_moved(doc, k.method, size);
    expect_complete(doc);
  }
}

// iperf3 -Z sends from a file with sendfile; its own JSON says how much.
TEST(RealPrograms, Iperf3ZeroCopy) {
  Scratch s;
  const int port = free_port();
  Background server({"iperf3", "-s", "-1", "-p", std::to_string(port), "-B", "127.0.0.1"}, s.dir);
  wait_for_port(port);
  const fs::path out = s.dir / "t.json", report = s.dir / "iperf3.json";
  const ToolResult c = run_tool(zctrace(
      {"trace", "--json", out.string(), "--", "sh", "-c",
       "iperf3 -c 127.0.0.1 -p " + std::to_string(port) + " -Z -n 64M -J > " + report.string()}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json iperf = read_json(report);
  const std::uint64_t sent = iperf.at("end").at("sum_sent").at("bytes");
  EXPECT_GE(sent, 64ull << 20);
  const json doc = read_document(out);
  expect_moved(doc, "sendfile", sent);
  expect_complete(doc);
}

// fio's engines, buffered and O_DIRECT: each seen as the method it is, with
// fio's own io_bytes; io_uring's requests also forced through its io-wq
// workers (threads of fio's process that the kernel starts).
TEST(RealPrograms, FioEngines) {
  Scratch s;
  const fs::path file = s.file("fio.dat", 64ull << 20);
  struct Case {
    std::string engine;
    int direct;
    std::string method;
    std::string extra;         // a further fio option
    std::string async_syscall; // buffered asynchronous reads: their by_site syscall
  };
  for (const Case &k : std::vector<Case>{{"sync", 0, "read", "", ""},
                                         {"sync", 1, "read", "", ""},
                                         {"mmap", 0, "mmap", "", ""},
                                         {"splice", 0, "splice+vmsplice", "", ""},
                                         {"io_uring", 0, "io_uring", "", "(none)"},
                                         {"io_uring", 0, "io_uring", "--force_async=1", "(none)"},
                                         {"io_uring", 1, "io_uring", "", ""},
                                         {"libaio", 0, "libaio", "", "io_submit"},
                                         {"libaio", 1, "libaio", "", ""}}) {
    SCOPED_TRACE(k.engine + " direct=" + std::to_string(k.direct) + " " + k.extra);
    const fs::path out = s.dir / "t.json", report = s.dir / "fio.json";
    std::vector<std::string> args = {"trace",
                                     "--json",
                                     out.string(),
                                     "--",
                                     "fio",
                                     "--name=zc",
                                     "--filename=" + file.string(),
                                     "--size=64M",
                                     "--rw=read",
                                     "--bs=64k",
                                     "--ioengine=" + k.engine,
                                     "--direct=" + std::to_string(k.direct),
                                     "--output-format=json",
                                     "--output=" + report.string()};
    if (!k.extra.empty())
      args.push_back(k.extra);
    const ToolResult c = run_tool(zctrace(args));
    ASSERT_EQ(c.exit_code, 0) << c.err;
    const std::uint64_t io_bytes = read_json(report).at("jobs").at(0).at("read").at("io_bytes");
    EXPECT_EQ(io_bytes, 64ull << 20);
    const json doc = read_document(out);
    const json *u = expect_moved(doc, k.method, io_bytes);
    if (u)
      EXPECT_EQ(u->at("from").at("kind"), k.direct ? "file, O_DIRECT" : "file");
    // O_DIRECT: the device filled fio's buffers, no page-cache copy; buffered
    // asynchronous reads: the page cache copied each request's bytes, sized
    // by the request (outside any syscall for io_uring, in io_submit for libaio).
    std::uint64_t direct = 0, async_copied = 0;
    for (const json &row : doc.at("program").at("cpu_copy").at("by_site")) {
      if (row.at("site") == "direct_io")
        direct += row.at("bytes").get<std::uint64_t>();
      if (row.at("site") == "filemap_read" && row.at("syscall") == k.async_syscall)
        async_copied += row.at("bytes").get<std::uint64_t>();
    }
    if (k.direct)
      expect_same_bytes(direct, io_bytes, "direct_io bytes");
    if (!k.async_syscall.empty())
      expect_same_bytes(async_copied, io_bytes, "page cache -> fio's buffers");
    expect_complete(doc);
  }
}

// Java's FileChannel.transferTo is sendfile; a MappedByteBuffer written to a
// SocketChannel is mmap+write of that file, though the JVM maps many others.
TEST(RealPrograms, JavaTransferToAndMappedBuffer) {
  if (std::string(ZCTRACE_JAVA_CLASSES).empty())
    GTEST_SKIP() << "no javac at build time (openjdk-17-jdk-headless)";
  Scratch s;
  const fs::path file = s.file("data", 16ull << 20), out = s.dir / "t.json";
  for (const std::string mode : {"transferTo", "mapped"}) {
    SCOPED_TRACE(mode);
    const ToolResult c = run_tool(zctrace({"trace", "--json", out.string(), "--", "java", "-cp",
                                           ZCTRACE_JAVA_CLASSES, "ZcSend", mode, file.string()}));
    ASSERT_EQ(c.exit_code, 0) << c.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(c.out, m, std::regex("sent (\\d+) received (\\d+)"))) << c.out;
    const std::uint64_t received = std::stoull(m[2]);
    EXPECT_EQ(received, 16ull << 20);
    const json doc = read_document(out);
    const json *u = expect_moved(doc, mode == "transferTo" ? "sendfile" : "mmap+write", received);
    if (u && mode == "mapped") {
      struct stat st {};
      ASSERT_EQ(stat(file.c_str(), &st), 0);
      EXPECT_EQ(u->at("from").at("inode"), st.st_ino); // the file's own mapping
    }
    expect_complete(doc);
  }
}

// Thousands of connections: the methods table stays a few rows per process,
// its bytes agree with the syscalls' own, and nothing was lost.
TEST(RealPrograms, AServerWithThousandsOfConnections) {
  Scratch s;
  s.file("www/small", 16 << 10);
  const NginxConf c = nginx_conf(s, true, 1, 8192);
  const fs::path out = s.dir / "t.json";
  Background zctrace(
      tracing_nginx({ZCTRACE_BINARY, "trace", "--duration", "12", "--json", out.string()}, c, s),
      s.dir);
  zctrace.wait_for("tracing");
  wait_for_port(c.port);
  const ToolResult client =
      run_tool({"python3", ZCTRACE_SOURCE_DIR "/tests/programs/many_connections.py",
                std::to_string(c.port), "/small", "4000", "500"});
  ASSERT_EQ(client.exit_code, 0) << client.err;
  const std::uint64_t body = std::stoull(client.out);
  EXPECT_EQ(body, 4000ull * (16 << 10));
  EXPECT_EQ(zctrace.wait(), 0) << zctrace.err();
  const json doc = read_document(out);
  const std::uint64_t sent = bytes_of(doc, "sendfile", "file", "socket");
  expect_same_bytes(sent, body, "sendfile of the small file");
  // The flows and the syscalls' return values are two maps that must agree.
  EXPECT_EQ(doc.at("program").at("syscalls").at("by_name").at("sendfile").at("bytes"), sent);
  // The table the terminal shows: a few rows per process.
  const std::string text = zctrace.out();
  const auto start = text.find("copy methods seen");
  ASSERT_NE(start, std::string::npos) << text;
  const auto end = text.find("\n\n", start);
  const std::string table = text.substr(start, end - start);
  EXPECT_LE(std::count(table.begin(), table.end(), '\n'), 12) << table;
  expect_complete(doc);
}

// How a trace ends. --duration: the whole tree is ended, exit 0. The
// command's own status otherwise. Ctrl-C: 130. SIGKILL of zctrace: the
// guardian ends the tree.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto &e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos)
      continue;
    std::istringstream f(line.substr(close_paren + 2));
    std::string state;
    pid_t ppid = 0;
    f >> state >> ppid;
    if (ppid == parent)
      out.push_back(std::stoi(name));
  }
  return out;
}

// The processes below zctrace's command (zctrace -> sh -> sleeps).
std::vector<pid_t> tree_below(pid_t zctrace_pid) {
  std::vector<pid_t> out, frontier = {zctrace_pid};
  while (!frontier.empty()) {
    const pid_t p = frontier.back();
    frontier.pop_back();
    for (pid_t c : children_of(p)) {
      std::ifstream comm("/proc/" + std::to_string(c) + "/comm");
      std::string name;
      std::getline(comm, name);
      if (name == "zc-guardian")
        continue;
      out.push_back(c);
      frontier.push_back(c);
    }
  }
  return out;
}

TEST(TraceEnds, DurationEndsTheWholeTreeNormally) {
  Scratch s;
  const fs::path out = s.dir / "t.json";
  const auto start = std::chrono::steady_clock::now();
  const ToolResult c = run_tool(zctrace({"trace", "--duration", "1", "--json", out.string(), "--",
                                         "sh", "-c", "sleep 1000 & sleep 1000 & wait"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
  EXPECT_EQ(c.exit_code, 0) << c.err;
  const json doc = read_document(out);
  EXPECT_FALSE(doc.at("partial").get<bool>());
  EXPECT_FALSE(doc.at("command_finished").get<bool>());
  EXPECT_GE(doc.at("followed").size(), 3u) << doc.at("followed").dump(); // sh, 2 sleeps
  expect_complete(doc);
}

TEST(TraceEnds, TheCommandsOwnStatusIsPassedOn) {
  EXPECT_EQ(run_tool(zctrace({"trace", "--", "sh", "-c", "exit 7"})).exit_code, 7);
  EXPECT_EQ(run_tool(zctrace({"trace", "--", "sh", "-c", "kill -TERM $$"})).exit_code, 128 + 15);
  // nginx that cannot bind fails, and so does the trace.
  Scratch s;
  const NginxConf c = nginx_conf(s, true, 1);
  Background holder({"python3", "-c",
                     "import socket,time; s=socket.socket(); s.bind(('127.0.0.1'," +
                         std::to_string(c.port) + ")); s.listen(); time.sleep(60)"},
                    s.dir);
  wait_for_port(c.port);
  // nginx's own status when it cannot bind
  EXPECT_EQ(run_tool(zctrace(tracing_nginx({"trace"}, c, s))).exit_code, 1);
}

void interrupt_mid_trace(int sig, int expected_exit) {
  Scratch s;
  Background zctrace({ZCTRACE_BINARY, "trace", "--json", (s.dir / "t.json").string(), "--", "sh",
                      "-c", "sleep 1000 & sleep 1000 & wait"},
                     s.dir);
  zctrace.wait_for("tracing");
  std::vector<pid_t> tree;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((tree = tree_below(zctrace.pid())).size() < 3)
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the tree did not start";
  kill(zctrace.pid(), sig);
  EXPECT_EQ(zctrace.wait(), expected_exit) << zctrace.err();
  const auto gone_by = std::chrono::steady_clock::now() + 10s;
  for (pid_t p : tree)
    while (alive(p)) {
      ASSERT_LT(std::chrono::steady_clock::now(), gone_by) << p << " outlived zctrace";
      std::this_thread::sleep_for(10ms);
    }
}

TEST(TraceEnds, CtrlCEndsTheTree) { interrupt_mid_trace(SIGINT, 130); }
TEST(TraceEnds, SigtermAndSighupEndTheTree) {
  interrupt_mid_trace(SIGTERM, 130);
  interrupt_mid_trace(SIGHUP, 130);
}
TEST(TraceEnds, TheTreeDiesWithAKilledZctrace) { interrupt_mid_trace(SIGKILL, 128 + 9); }

// A shell that execs zctrace with its own pid: zctrace is asked to trace itself.
TEST(TraceEnds, ZctraceRefusesToTraceItself) {
  const ToolResult c = run_tool(
      {"sh", "-c", std::string("exec ") + ZCTRACE_BINARY + " trace --pid $$ --duration 1"});
  EXPECT_EQ(c.exit_code, 2) << c.err;
  EXPECT_NE(c.err.find("is zctrace itself"), std::string::npos) << c.err;
}

TEST(TraceAs, UserRunsTheCommandAsThatUser) {
  const ToolResult c = run_tool(zctrace({"trace", "--user", "nobody", "--", "id", "-u"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(("\n" + c.out).find("\n65534\n"), std::string::npos) << c.out;
  expect_one_line_error(
      run_tool(zctrace({"trace", "--user", "zctrace-no-such-user", "--", "true"})), 2,
      "no user 'zctrace-no-such-user'");
}

// Even /usr/bin/true has known totals: what execve and the loader read is
// sized (execve's reads by the task's read accounting, kernel->kernel).
TEST(TraceTotals, ExecAndTheLoaderAreSized) {
  Scratch s;
  const fs::path out = s.dir / "t.json";
  const ToolResult c = run_tool(zctrace({"trace", "--json", out.string(), "--", "/usr/bin/true"}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json doc = read_document(out);
  const json &a = doc.at("program");
  ASSERT_FALSE(a.at("cpu_copy").at("bytes").is_null())
      << a.at("evidence").at("cpu_copy.bytes").dump();
  std::uint64_t exec_reads = 0;
  for (const json &row : a.at("cpu_copy").at("by_site"))
    if (row.at("site") == "filemap_read" && row.at("syscall") == "execve")
      exec_reads += row.at("bytes").get<std::uint64_t>();
  EXPECT_GT(exec_reads, 0u) << a.at("cpu_copy").at("by_site").dump(1);
  EXPECT_EQ(a.at("evidence").at("cpu_copy.bytes").at("how").get<std::string>().find("io_uring"),
            std::string::npos);
}

} // namespace
} // namespace zc::test
