// Throughput and CPU time timed apart from the accounts: passes with no
// probe loaded, after a warm-up, their spread recomputed here from the
// passes the JSON lists, and --runtime held to against this test's clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "harness.h"

namespace zc::test {
namespace {

using nlohmann::json;

json read_json(const std::string &path) { return read_document(path); }

// The spread of one figure, recomputed from the passes: n, min, max,
// median, and for 6 passes the interval is the min and the max.
void expect_spread_of_passes(const json &timed, const char *key) {
  std::vector<double> v;
  for (const json &p : timed.at("passes"))
    v.push_back(p.at(key).get<double>());
  ASSERT_FALSE(v.empty());
  std::sort(v.begin(), v.end());
  const json &s = timed.at(key);
  EXPECT_EQ(s.at("n"), v.size()) << key;
  EXPECT_DOUBLE_EQ(s.at("min").get<double>(), v.front()) << key;
  EXPECT_DOUBLE_EQ(s.at("max").get<double>(), v.back()) << key;
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  EXPECT_DOUBLE_EQ(s.at("median").get<double>(), median) << key;
  if (n == 6) {
    ASSERT_FALSE(s.at("interval").is_null()) << key;
    EXPECT_DOUBLE_EQ(s.at("interval").at("low").get<double>(), v.front());
    EXPECT_DOUBLE_EQ(s.at("interval").at("high").get<double>(), v.back());
    EXPECT_DOUBLE_EQ(s.at("interval").at("confidence").get<double>(), 1 - 2.0 / 64);
  }
}

TEST(Repeats, CompareTimesEachPointInPassesWithNoProbeLoaded) {
  const std::string path = std::filesystem::temp_directory_path() / "zctrace-repeats.json";
  const ToolResult c = run_tool(zctrace(
      {"compare", "mmap_write", "sendfile", "--size", "8M", "--repeat", "6", "--json", path}));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  const json doc = read_json(path);
  std::filesystem::remove(path);
  EXPECT_EQ(doc.at("conditions").at("repeat"), 6);
  for (const json &p : doc.at("points")) {
    ASSERT_EQ(p.at("status"), "ok") << p.at("reason");
    const json &timed = p.at("timed");
    EXPECT_EQ(timed.at("warmups_discarded"), 1);
    ASSERT_EQ(timed.at("passes").size(), 6u);
    for (const json &pass : timed.at("passes")) {
      // Each figure of a pass follows from its wall time and the size.
      const double wall = pass.at("wall_ns").get<double>();
      ASSERT_GT(wall, 0);
      EXPECT_NEAR(pass.at("throughput_bytes_per_s").get<double>(), (8u << 20) * 1e9 / wall, 1e-3);
      EXPECT_GT(pass.at("source_cpu_ms_per_gib").get<double>(), 0);
      EXPECT_GE(pass.at("cpu_ms_per_gib"), pass.at("source_cpu_ms_per_gib"));
    }
    for (const char *key : {"throughput_bytes_per_s", "source_cpu_ms_per_gib", "cpu_ms_per_gib"})
      expect_spread_of_passes(timed, key);
    // The point's figures are the passes' medians, said to be so; the
    // accounts still come from one traced run.
    EXPECT_DOUBLE_EQ(p.at("summary").at("throughput_bytes_per_s").get<double>(),
                     timed.at("throughput_bytes_per_s").at("median").get<double>());
    EXPECT_NE(p.at("summary").at("throughput_measured").get<std::string>().find("no probe loaded"),
              std::string::npos);
    EXPECT_EQ(p.at("runs").size(), 1u);
    EXPECT_FALSE(p.at("summary").at("source_cpu_passes").is_null());
  }
  // Every verdict keeps both methods' figures with their intervals.
  for (const json &v : doc.at("claims")[0].at("verdicts")) {
    const std::string verdict = v.at("verdict");
    EXPECT_TRUE(verdict == "holds" || verdict == "differs" ||
                verdict == "cannot be told apart here")
        << verdict;
    ASSERT_EQ(v.at("methods").size(), 2u) << v.dump();
    for (const auto &[method, s] : v.at("methods").items())
      EXPECT_FALSE(s.at("interval").is_null()) << method;
  }
  EXPECT_NE(c.out.find("throughput with no probe loaded"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("CPU time in ms per GiB moved, with no probe loaded"), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("95% interval"), std::string::npos) << c.out;
}

TEST(Repeats, RunTimesPassesForAsLongAsAsked) {
  const std::string path = std::filesystem::temp_directory_path() / "zctrace-runtime.json";
  const auto began = std::chrono::steady_clock::now();
  const ToolResult r =
      run_tool(zctrace({"run", "mmap_write", "--size", "1M", "--runtime", "1", "--json", path}));
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json doc = read_json(path);
  std::filesystem::remove(path);
  const json &timed = doc.at("timed");
  EXPECT_EQ(timed.at("runtime_s"), 1.0);
  // A 1 MiB transfer takes milliseconds: a second of them is many passes,
  // and the command took at least that second by this test's own clock.
  EXPECT_GT(timed.at("passes").size(), 6u);
  EXPECT_GE(elapsed, 1.0);
  double walls = 0;
  for (const json &p : timed.at("passes"))
    walls += p.at("wall_ns").get<double>() / 1e9;
  EXPECT_LT(walls, elapsed); // the transfers are inside the passes' time
  expect_spread_of_passes(timed, "throughput_bytes_per_s");
  EXPECT_NE(r.out.find("timed with no probe loaded"), std::string::npos) << r.out;

  // Without --repeat or --runtime nothing is timed apart, and the JSON says
  // the throughput it has was measured with the probes attached.
  const ToolResult plain = run_tool(zctrace({"run", "mmap_write", "--size", "1M", "--json", path}));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const json traced = read_json(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(traced.at("timed").is_null());
  EXPECT_NE(
      traced.at("transfer").at("throughput_measured").get<std::string>().find("probes attached"),
      std::string::npos);
}

} // namespace
} // namespace zc::test
