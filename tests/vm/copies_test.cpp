// Copy sites inside Debian's 6.1 and 6.12 kernels, where fexit attaches:
// every copy figure of the four methods is measured at its site, the passes
// are what each method defines, copies made outside the workload's syscalls
// (softirq) are still attributed, and the cross-check agrees within 1%.
//
// Tolerances. Payload rows (filemap_read, the TCP send, the receive copy,
// the socket hand-offs) are exact: each payload byte crosses each site once.
// CPU-copy passes may exceed the method's by up to 1%: the virtio NIC path
// copies packet headers with skb_copy_bits (a few hundred bytes per packet,
// about 0.5% of the payload), which zctrace counts as incidental copies.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "subprocess.h"

namespace zc::vmtest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uint64_t kSize = 16u << 20;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("zctrace-vmcopies-" + std::to_string(getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

json run_matrix(const Scratch &s) {
  const fs::path out = s.dir / "m.json";
  const ToolResult r =
      run_tool({ZCTRACE_BINARY, "matrix", "-c", ZCTRACE_SOURCE_DIR "/vmtest/vmtest.toml", "--size",
                "16M", "--no-host", "--json", out.string(), "--out", (s.dir / "out").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(out);
  return json::parse(in);
}

std::uint64_t site_bytes(const json &account, const std::string &site, const std::string &dir) {
  std::uint64_t total = 0;
  for (const auto &row : account.at("cpu_copy").at("by_site"))
    if (row.at("site") == site && row.at("direction") == dir)
      total += row.at("bytes").get<std::uint64_t>();
  return total;
}

void expect_passes(const json &account, const char *what, double expected) {
  ASSERT_FALSE(account.at("cpu_copy").at("passes").is_null())
      << what << ": " << account.at("evidence").at("cpu_copy.bytes").dump();
  const double passes = account.at("cpu_copy").at("passes").get<double>();
  EXPECT_GE(passes, expected) << what;
  EXPECT_LE(passes, expected * 1.01 + 0.01) << what;
}

const char *const kMethods[] = {"read_write", "mmap_write", "sendfile", "splice"};

void every_copy_figure_is_measured_at_its_site(const json &runs) {
  for (const char *method : kMethods) {
    const json &r = runs.at(method);
    ASSERT_EQ(r.at("integrity").at("ok"), true) << method;
    for (const char *role : {"source", "sink"}) {
      const json &a = r.at(role);
      EXPECT_EQ(a.at("evidence").at("cpu_copy.bytes").at("kind"), "site") << method << " " << role;
      EXPECT_EQ(a.at("evidence").at("by_reference.bytes").at("kind"), "site")
          << method << " " << role;
      for (const auto &row : a.at("cpu_copy").at("by_site"))
        EXPECT_EQ(row.at("evidence").at("kind"), "site")
            << method << " " << role << " " << row.dump();
    }
  }
}

void passes_per_method(const json &runs) {
  const json &rw = runs.at("read_write");
  EXPECT_EQ(site_bytes(rw.at("source"), "filemap_read", "kernel->user"), kSize);
  EXPECT_EQ(site_bytes(rw.at("source"), "tcp_sendmsg_locked", "user->kernel"), kSize);
  expect_passes(rw.at("source"), "read_write source", 2.0);
  EXPECT_EQ(rw.at("source").at("by_reference").at("bytes"), 0);

  const json &mw = runs.at("mmap_write");
  EXPECT_EQ(site_bytes(mw.at("source"), "tcp_sendmsg_locked", "user->kernel"), kSize);
  EXPECT_EQ(site_bytes(mw.at("source"), "filemap_read", "kernel->user"), 0u);
  expect_passes(mw.at("source"), "mmap_write source", 1.0);

  for (const char *method : {"sendfile", "splice"}) {
    const json &r = runs.at(method);
    // Across virtio NICs (SG): references from the page cache to the NIC.
    EXPECT_EQ(r.at("source").at("by_reference").at("bytes"), kSize) << method;
    EXPECT_EQ(site_bytes(r.at("source"), "splice_read", "by reference"), kSize) << method;
    expect_passes(r.at("source"), method, 0.0);
  }
  for (const char *method : kMethods) {
    const json &sink = runs.at(method).at("sink");
    EXPECT_EQ(site_bytes(sink, "skb_copy_datagram_iter", "kernel->user"), kSize) << method;
    expect_passes(sink, method, 1.0);
  }
}

// ->sendpage was removed in 6.5 for sendmsg(MSG_SPLICE_PAGES).
void the_send_path_is_the_kernels(const json &runs, bool before_6_5) {
  const json &src = runs.at("sendfile").at("source");
  EXPECT_EQ(site_bytes(src, "tcp_sendpage", "by reference"), before_6_5 ? kSize : 0u);
  EXPECT_EQ(site_bytes(src, "tcp_sendmsg_locked", "by reference"), before_6_5 ? 0u : kSize);
}

// Packets are processed in softirq; copies made there belong to the
// socket's owner, found through the skb. None may be dropped: a copy no
// owner could be found for is listed as unattributed.
void copies_outside_the_syscalls_are_attributed(const json &runs) {
  std::uint64_t outside = 0;
  for (const char *method : kMethods) {
    const json &r = runs.at(method);
    ASSERT_TRUE(r.at("unattributed").contains("payload")) << method;
    for (const char *role : {"source", "sink"})
      for (const auto &row : r.at(role).at("cpu_copy").at("by_site"))
        if (row.at("syscall") == "(none)")
          outside += row.at("bytes").get<std::uint64_t>();
  }
  EXPECT_GT(outside, 0u) << "no copy outside a syscall was attributed to the workload";
}

TEST(Copies, InBothDebianKernels) {
  Scratch s;
  const json m = run_matrix(s); // one boot per kernel for all the checks
  ASSERT_EQ(m.at("columns").size(), 2u);
  for (const auto &col : m.at("columns")) {
    const std::string name = col.at("name");
    SCOPED_TRACE(name);
    ASSERT_TRUE(col.at("error").is_null()) << col.at("error");
    const json &runs = col.at("runs");
    every_copy_figure_is_measured_at_its_site(runs);
    passes_per_method(runs);
    the_send_path_is_the_kernels(runs, name == "debian-6.1-cloud");
    copies_outside_the_syscalls_are_attributed(runs);
  }
}

TEST(CrossCheck, AgreesWithinOnePercentInBothKernels) {
  Scratch s;
  const fs::path cfg = s.dir / "cc.toml";
  std::ofstream(cfg) << "[[target]]\nname = \"cc-6.1\"\n"
                        "kernel_package = \"linux-image-6.1.0-*-cloud-amd64-unsigned\"\n"
                        "command = \"/usr/bin/zctrace crosscheck --size 16M --cache cold\"\n"
                        "[target.vm]\nmemory = \"1G\"\n"
                        "[[target]]\nname = \"cc-6.12\"\n"
                        "kernel_package = \"linux-image-6.12.*+deb12-cloud-amd64-unsigned\"\n"
                        "command = \"/usr/bin/zctrace crosscheck --size 16M --cache cold\"\n"
                        "[target.vm]\nmemory = \"1G\"\n";
  const ToolResult r =
      run_tool({ZCTRACE_BINARY, "vmtest", "-c", cfg.string(), "--out", (s.dir / "out").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("DIFFERS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crosscheck on kernel 6.1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crosscheck on kernel 6.12."), std::string::npos) << r.out;
}

} // namespace
} // namespace zc::vmtest
