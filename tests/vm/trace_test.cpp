// zctrace trace inside Debian's 6.1 and 6.12 kernels: a program nobody here
// wrote (busybox's dd) is accounted with non-null totals and its bytes equal
// to dd's own count; `true` has non-null totals (execve's reads sized); and
// when zctrace is SIGKILLed, its guardian ends the command's tree. The
// guests mount no cgroup v2, so the tree is a process group there: the
// fallback is what these kernels test.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "subprocess.h"

namespace zc::vmtest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What the guest runs. A traced `sleep` is looked for by its comm (the
// waits use `usleep`). After zctrace is SIGKILLed its guardian sees the
// pipe close only once the kernel has released zctrace's files, BPF links
// first (detaching a program waits for an RCU grace period, which takes
// seconds in these emulated guests): up to 120 s is allowed.
constexpr const char *kGuestScript = R"(head -c 16777216 /dev/urandom > /var/tmp/t.dat
zctrace trace --json /results/dd.json -- dd if=/var/tmp/t.dat of=/dev/null bs=65536 2> /results/dd-own.txt
zctrace trace --json /results/true.json -- true
traced() { grep -qx sleep /proc/[0-9]*/comm 2> /dev/null; }
zctrace trace -- sleep 301 > /dev/null 2>&1 &
z=$!
n=0
while ! traced && [ $n -lt 1200 ]; do usleep 100000; n=$((n+1)); done
traced && echo started > /results/tree.txt
kill -9 $z
n=0
while traced && [ $n -lt 1200 ]; do usleep 100000; n=$((n+1)); done
traced && echo left >> /results/tree.txt || echo gone >> /results/tree.txt
echo "$n" > /results/tree-wait.txt
)";

std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json read_json(const fs::path &p) {
  const json doc = zc::test::read_document(p);
  return doc.is_null() ? json::object() : doc;
}

TEST(Trace, AProgramAndItsTreeInBothDebianKernels) {
  const fs::path dir = fs::temp_directory_path() / ("zctrace-vmtrace-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path cfg = dir / "trace.toml";
  std::ofstream toml(cfg);
  for (const auto &[name, package] :
       {std::pair{"t-6.1", "linux-image-6.1.0-*-cloud-amd64-unsigned"},
        std::pair{"t-6.12", "linux-image-6.12.*+deb12-cloud-amd64-unsigned"}})
    toml << "[[target]]\nname = \"" << name << "\"\nkernel_package = \"" << package
         << "\"\ncommand = '''" << kGuestScript << "'''\n[target.vm]\nmemory = \"1G\"\n";
  toml.close();
  const fs::path out = dir / "out";
  const ToolResult r =
      run_tool({ZCTRACE_BINARY, "vmtest", "-c", cfg.string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char *target : {"t-6.1", "t-6.12"}) {
    SCOPED_TRACE(target);
    // dd's own count of what it copied: busybox's dd counts records (of
    // bs=65536 bytes; a partial one would be of unknown size).
    std::smatch m;
    const std::string own = slurp(out / target / "dd-own.txt");
    ASSERT_TRUE(std::regex_search(own, m, std::regex("(\\d+)\\+(\\d+) records out"))) << own;
    EXPECT_EQ(m[2], "0") << own;
    const std::uint64_t copied = std::stoull(m[1]) * 65536;
    EXPECT_EQ(copied, 16u << 20);
    const json dd = read_json(out / target / "dd.json");
    std::uint64_t read_write = 0;
    for (const json &u : dd.at("methods_seen"))
      if (u.at("method") == "read+write" && u.at("from").at("kind") == "file")
        read_write += u.at("bytes").get<std::uint64_t>();
    EXPECT_EQ(read_write, copied);
    for (const json &t : {dd, read_json(out / target / "true.json")}) {
      EXPECT_FALSE(t.at("program").at("cpu_copy").at("bytes").is_null())
          << t.at("program").at("evidence").dump();
      EXPECT_FALSE(t.at("program").at("by_reference").at("bytes").is_null())
          << t.at("program").at("evidence").dump();
      EXPECT_EQ(t.at("events").at("lost"), 0);
      EXPECT_EQ(t.at("exit_status"), 0);
    }
    EXPECT_EQ(slurp(out / target / "tree.txt"), "started\ngone\n");
  }
  fs::remove_all(dir);
}

} // namespace
} // namespace zc::vmtest
