#include "harness.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include <bpf/bpf.h>

#include "workload.h"

namespace zc::test {

Features &features() {
  static Features f;
  return f;
}

RunRequest request(const std::string &method) {
  RunRequest r;
  r.method = method;
  r.size = kSize;
  r.chunk = kChunk;
  r.timeout_s = 120;
  return r;
}

RunRequest request(const std::string &method, std::uint64_t size) {
  RunRequest r = request(method);
  r.size = size;
  return r;
}

RunResult run(const RunRequest &req) { return run_traced(req, features()); }

void expect_intact(const RunResult &r, bool every_event) {
  ASSERT_TRUE(r.integrity.ok) << r.integrity.error;
  // All of the file, but for a method that sends part of it (mmap_truncate):
  // its source says how much, and its tests check that figure.
  const workloads::Workload *w = workloads::find_workload(r.params.method);
  ASSERT_NE(w, nullptr) << r.params.method;
  EXPECT_EQ(r.integrity.received_bytes,
            w->sends_part() ? r.integrity.expected_bytes : r.params.size);
  EXPECT_EQ(r.integrity.received_crc32c, r.integrity.expected_crc32c);
  EXPECT_EQ(r.lost.total(), 0u);
  EXPECT_EQ(r.probe_runs_missed, 0u);
  EXPECT_TRUE(r.deaths.empty());
  if (every_event) {
    EXPECT_EQ(r.events.lost, 0u);
    EXPECT_EQ(r.events.received, r.events.submitted);
  }
}

std::uint64_t reported(const Account &a, const std::string &name) {
  auto it = a.reported.find(name);
  EXPECT_NE(it, a.reported.end()) << name;
  return it == a.reported.end() ? 0 : it->second.value.value_or(0);
}

std::uint64_t rows_at(const Account &a, std::uint16_t site) {
  std::uint64_t total = 0;
  for (const SiteRow &r : a.cpu_copy.by_site)
    if (r.site_id == site)
      total += r.bytes;
  return total;
}

std::uint64_t site_bytes(const Account &a, const std::string &site, const std::string &direction) {
  std::uint64_t total = 0;
  for (const SiteRow &r : a.cpu_copy.by_site)
    if (r.site == site && r.direction == direction)
      total += r.bytes;
  return total;
}

std::uint64_t calls(const Account &a, const std::string &syscall) {
  auto it = a.syscalls.by_name.find(syscall);
  return it == a.syscalls.by_name.end() ? 0 : it->second.count;
}

std::vector<std::string> zctrace(std::vector<std::string> args) {
  args.insert(args.begin(), ZCTRACE_BINARY);
  return args;
}

std::vector<std::uint32_t> loaded_bpf_programs() {
  std::vector<std::uint32_t> ids;
  __u32 id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0)
    ids.push_back(id);
  return ids;
}

void expect_one_line_error(const ToolResult &c, int exit_code, const std::string &what) {
  EXPECT_EQ(c.exit_code, exit_code) << c.err;
  EXPECT_EQ(c.err.rfind("zctrace: error: ", 0), 0u) << c.err;
  EXPECT_NE(c.err.find(what), std::string::npos) << c.err;
  EXPECT_EQ(std::count(c.err.begin(), c.err.end(), '\n'), 1) << c.err;
}

std::string read_text(const std::string &path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void expect_fits_100_columns(const std::string &text, const std::string &what) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    EXPECT_LE(line.size(), 100u) << what << ": " << line;
}

} // namespace zc::test
