// Claims checked against runs: a qualitative claim's expectations against
// one account, a comparison's expected winners against a series of runs.
#include <gtest/gtest.h>

#include "bpf_abi.h"
#include "claim_check.h"
#include "claims.h"
#include "probe_catalog.h"
#include "series_report.h"
#include "statistics.h"
#include "text_table.h"

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace zc::analysis {
namespace {

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

constexpr std::uint64_t kSize = 64ull << 20;

SiteRow row(std::uint16_t site, std::uint8_t dir, std::uint64_t bytes) {
  SiteRow r;
  r.site_id = site;
  r.dir = dir;
  r.bytes = bytes;
  return r;
}

// Every probe of the catalog attached through its first alternative.
std::vector<ProbeReport> all_attached() {
  std::vector<ProbeReport> out;
  for (const ProbeDef &def : probe_catalog()) {
    ProbeReport r;
    r.name = def.name;
    r.attached = true;
    r.path_present = true;
    r.via = def.alternatives.front().attach_point();
    r.evidence = def.alternatives.front().evidence;
    out.push_back(r);
  }
  return out;
}

RunResult direct_io_run(std::uint64_t page_cache_bytes) {
  RunResult r;
  r.probes = all_attached();
  r.params.method = "direct_io";
  r.params.size = kSize;
  r.source.cpu_copy.by_site = {row(ZC_SITE_DIRECT_IO, ZC_DIR_DEVICE, kSize),
                               row(ZC_SITE_TCP_SENDMSG, ZC_DIR_USER_TO_KERNEL, kSize)};
  if (page_cache_bytes)
    r.source.cpu_copy.by_site.push_back(
        row(ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, page_cache_bytes));
  return r;
}

TEST(ClaimCheck, DirectIoHoldsOnlyWithoutAPageCacheCopy) {
  const Claim &claim = *claims().find("direct_io");
  for (const Verdict &v : check_claim(claim, direct_io_run(0))) {
    ASSERT_TRUE(v.holds.has_value()) << v.text;
    EXPECT_TRUE(*v.holds) << v.text;
  }
  const auto broken = check_claim(claim, direct_io_run(kSize));
  ASSERT_TRUE(broken[0].holds.has_value());
  EXPECT_FALSE(*broken[0].holds);
  EXPECT_NE(broken[0].text.find("does NOT hold"), std::string::npos) << broken[0].text;
  // Nothing watches the sites and no row was seen: it cannot be told.
  RunResult unknown = direct_io_run(0);
  unknown.probes.clear();
  unknown.source.cpu_copy.by_site.clear();
  const auto none = check_claim(claim, unknown);
  EXPECT_FALSE(none[0].holds.has_value()) << none[0].text;
  EXPECT_NE(none[0].text.find("cannot be told"), std::string::npos) << none[0].text;
}

// A point whose passes (timed with no probe) spread by `spread` around the
// given throughput and source CPU per GiB: 6 passes, the fewest with an
// interval, unless `passes` says otherwise.
SeriesPoint point(const std::string &method, std::uint64_t chunk, double mib_s,
                  double source_cpu_ms_per_gib, double spread = 0.02, std::size_t passes = 6) {
  SeriesPoint p{method, kSize, chunk};
  p.runs = {nlohmann::json::object()};
  p.summaries = {{{"throughput_bytes_per_s", 1.0}, {"source_cpu_ms_per_gib", 1.0}}};
  Timing t;
  t.size = kSize;
  t.warmups = 1;
  for (std::size_t i = 0; i < passes; ++i) {
    // From 1 - spread to 1 + spread, evenly.
    const double f =
        1 - spread +
        2 * spread * static_cast<double>(i) / static_cast<double>(passes > 1 ? passes - 1 : 1);
    TimedPass pass;
    pass.wall_ns =
        static_cast<std::uint64_t>(static_cast<double>(kSize) * 1e9 / (mib_s * f * 1024 * 1024));
    const double cpu_ns =
        source_cpu_ms_per_gib * f * 1e6 * static_cast<double>(kSize) / (1024.0 * 1024 * 1024);
    pass.source_cpu_ns = static_cast<std::uint64_t>(cpu_ns);
    pass.cpu_ns = static_cast<std::uint64_t>(2 * cpu_ns);
    t.passes.push_back(pass);
  }
  p.timing = t;
  return p;
}

const nlohmann::json &claim_in(const nlohmann::json &doc, const std::string &id) {
  for (const auto &c : doc.at("claims"))
    if (c.at("id") == id)
      return c;
  throw std::runtime_error("no claim " + id);
}

TEST(Series, WinnersAndTheComparisonTheArticlesMake) {
  std::vector<SeriesPoint> points = {
      point("mmap_write", 4096, 500, 3000),    point("sendfile", 4096, 400, 2500),
      point("mmap_write", 1 << 20, 2000, 700), point("sendfile", 1 << 20, 2500, 600),
      point("splice", 1 << 20, 100, 100),
  };
  SeriesPoint skipped{"msg_zerocopy", kSize, 4096};
  skipped.status = "skipped";
  skipped.reason = "msg_zerocopy cannot run here: no SO_ZEROCOPY";
  points.push_back(skipped);
  const auto doc = series_document(
      "sweep", {{"cache", "warm"}, {"route", "loopback"}, {"kernel", "test"}}, points);
  EXPECT_EQ(doc.at("schema"), "zctrace.sweep/1");
  ASSERT_EQ(doc.at("winners").size(), 2u);
  EXPECT_EQ(doc.at("winners")[0].at("fastest").at("method"), "mmap_write");
  EXPECT_EQ(doc.at("winners")[1].at("least_cpu_per_byte").at("method"), "splice");
  const auto &verdicts = claim_in(doc, "rocketmq_kafka").at("verdicts");
  // fastest at the smallest chunk: mmap_write (holds); at the largest:
  // sendfile (holds); least source CPU at every chunk: sendfile (holds at
  // both), among the claim's own methods only (splice does not count).
  ASSERT_EQ(verdicts.size(), 4u);
  for (const auto &v : verdicts) {
    EXPECT_EQ(v.at("verdict"), "holds") << v.at("text");
    EXPECT_EQ(v.at("holds"), true) << v.at("text");
    // Both methods' figures are kept, not only the winner's.
    EXPECT_EQ(v.at("methods").size(), 2u) << v.dump();
    EXPECT_EQ(v.at("methods").at("mmap_write").at("n"), 6);
  }
  // The summary's throughput is the passes' median, and says so.
  const auto &first = doc.at("points")[0];
  EXPECT_NEAR(first.at("summary").at("throughput_bytes_per_s").get<double>(),
              first.at("timed").at("throughput_bytes_per_s").at("median").get<double>(), 1e-6);
  EXPECT_NE(first.at("summary").at("throughput_measured").get<std::string>().find("no probe"),
            std::string::npos);
  // At 100 columns (as standard output wraps it) the reason wraps under its column;
  // with --wide (0) it is one line.
  for (const std::string &line : lines_of(wrap_lines(render_series(doc))))
    EXPECT_LE(line.size(), 100u) << line;
  set_text_width(0);
  const std::string text = render_series(doc);
  set_text_width(100);
  EXPECT_NE(text.find("skipped: msg_zerocopy cannot run here: no SO_ZEROCOPY"), std::string::npos)
      << text;
  EXPECT_NE(text.find("holds"), std::string::npos);
}

TEST(Series, OneChunkSizeCannotTellSmallFromLarge) {
  const auto doc =
      series_document("compare", {{"cache", "warm"}, {"route", "loopback"}, {"kernel", "test"}},
                      {point("mmap_write", 65536, 500, 3000), point("sendfile", 65536, 600, 2000)});
  const auto &verdicts = claim_in(doc, "rocketmq_kafka").at("verdicts");
  ASSERT_EQ(verdicts.size(), 1u); // only "every chunk"
  EXPECT_EQ(verdicts[0].at("metric"), "least_cpu_per_byte");
  EXPECT_NE(render_series(doc).find("need a sweep over chunk sizes"), std::string::npos);
}

TEST(Series, OverlappingIntervalsCannotBeToldApart) {
  // 4 KiB: mmap_write 500 MiB/s +-20%, sendfile 480 +-20%: the intervals
  // overlap. 1 MiB: sendfile 2000 +-2% against mmap_write 2500 +-2%: the
  // claim (sendfile fastest for large blocks) is contradicted.
  const auto doc = series_document(
      "sweep", {{"cache", "warm"}, {"route", "lo"}, {"kernel", "t"}},
      {point("mmap_write", 4096, 500, 3000, 0.2), point("sendfile", 4096, 480, 2500, 0.2),
       point("mmap_write", 1 << 20, 2500, 700), point("sendfile", 1 << 20, 2000, 600)});
  std::map<std::pair<std::string, std::uint64_t>, nlohmann::json> by;
  for (const auto &v : claim_in(doc, "rocketmq_kafka").at("verdicts"))
    by[{v.at("metric").get<std::string>(), v.at("chunk").get<std::uint64_t>()}] = v;
  const auto &small = by.at({"fastest", 4096});
  EXPECT_EQ(small.at("verdict"), "cannot be told apart here") << small.dump();
  EXPECT_TRUE(small.at("holds").is_null());
  EXPECT_EQ(small.at("median_winner"), "mmap_write"); // the medians alone would say it holds
  for (const char *m : {"mmap_write", "sendfile"})
    EXPECT_FALSE(small.at("methods").at(m).at("interval").is_null()) << m;
  const auto &large = by.at({"fastest", 1 << 20});
  EXPECT_EQ(large.at("verdict"), "differs") << large.dump();
  EXPECT_EQ(large.at("holds"), false);
  EXPECT_NE(large.at("text").get<std::string>().find("does NOT hold"), std::string::npos);
  // The winners say which others they were not told apart from.
  for (const auto &w : doc.at("winners"))
    if (w.at("chunk") == 4096)
      EXPECT_EQ(w.at("fastest").at("not_told_apart_from"), nlohmann::json({"sendfile"}));
  EXPECT_NE(render_series(doc).find("not told apart from sendfile"), std::string::npos);
}

TEST(Series, FivePassesGiveNoInterval) {
  const auto doc = series_document("compare", {{"cache", "warm"}, {"route", "lo"}, {"kernel", "t"}},
                                   {point("mmap_write", 65536, 500, 3000, 0.02, 5),
                                    point("sendfile", 65536, 900, 1000, 0.02, 5)});
  const auto &v = claim_in(doc, "rocketmq_kafka").at("verdicts")[0];
  EXPECT_EQ(v.at("verdict"), "cannot be told apart here") << v.dump();
  EXPECT_NE(v.at("text").get<std::string>().find("5 runs give no 95% interval"), std::string::npos)
      << v.at("text");
  EXPECT_TRUE(
      doc.at("points")[0].at("timed").at("throughput_bytes_per_s").at("interval").is_null());
}

TEST(Statistics, OrderStatisticIntervalOfTheMedian) {
  // Below 6 values there is no 95% interval: the min and max of 5 cover the
  // median with 1 - 2/32 = 93.75%.
  const Spread five = spread_of({5, 1, 4, 2, 3});
  EXPECT_EQ(five.median, 3);
  EXPECT_FALSE(five.interval);
  EXPECT_NE(five.no_interval.find("at least 6"), std::string::npos);
  // 6 values: min and max, 1 - 2/64.
  const Spread six = spread_of({6, 1, 5, 2, 4, 3});
  EXPECT_EQ(six.median, 3.5);
  ASSERT_TRUE(six.interval);
  EXPECT_EQ(six.interval->low, 1);
  EXPECT_EQ(six.interval->high, 6);
  EXPECT_DOUBLE_EQ(six.interval->confidence, 1 - 2.0 / 64);
  // 9 values: P(X <= 1) = 10/512 <= 2.5% < P(X <= 2): x(2) and x(8).
  const Spread nine = spread_of({9, 8, 7, 6, 5, 4, 3, 2, 1});
  ASSERT_TRUE(nine.interval);
  EXPECT_EQ(nine.interval->low, 2);
  EXPECT_EQ(nine.interval->high, 8);
  EXPECT_DOUBLE_EQ(nine.interval->confidence, 1 - 2 * 10.0 / 512);
  // 20 values: P(X <= 5) = 21700/2^20 = 2.07%: x(6) and x(15).
  std::vector<double> twenty;
  for (int i = 1; i <= 20; ++i)
    twenty.push_back(i);
  const Spread t = spread_of(twenty);
  ASSERT_TRUE(t.interval);
  EXPECT_EQ(t.interval->low, 6);
  EXPECT_EQ(t.interval->high, 15);
  EXPECT_DOUBLE_EQ(t.interval->confidence, 1 - 2 * 21700.0 / 1048576);
  EXPECT_EQ(compare_intervals(six, spread_of({10, 11, 12, 13, 14, 15})), -1);
  EXPECT_EQ(compare_intervals(spread_of({10, 11, 12, 13, 14, 15}), six), 1);
  EXPECT_EQ(compare_intervals(six, spread_of({6, 7, 8, 9, 10, 11})), 0); // they touch at 6
  EXPECT_EQ(compare_intervals(six, five), 0);                            // no interval: not apart
}

} // namespace
} // namespace zc::analysis
