// Claims checked against runs: a qualitative claim's expectations against
// one account, a comparison's expected winners against a series of runs.
#include <gtest/gtest.h>

#include "bpf_abi.h"
#include "claim_check.h"
#include "claims.h"
#include "probe_catalog.h"
#include "series_report.h"

namespace zc::analysis {
namespace {

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

SeriesPoint point(const std::string &method, std::uint64_t chunk, double mib_s,
                  double source_cpu_ms_per_gib) {
  SeriesPoint p{method, kSize, chunk};
  nlohmann::json s = {{"throughput_bytes_per_s", mib_s * 1024 * 1024},
                      {"source_cpu_ms_per_gib", source_cpu_ms_per_gib},
                      {"cpu_ms_per_gib", source_cpu_ms_per_gib * 2},
                      {"cpu_ns", 1},
                      {"source_cpu_ns", 1}};
  p.runs = {nlohmann::json::object()};
  p.summaries = {s};
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
  for (const auto &v : verdicts)
    EXPECT_EQ(v.at("holds"), true) << v.at("text");
  const std::string text = render_series(doc);
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

} // namespace
} // namespace zc::analysis
