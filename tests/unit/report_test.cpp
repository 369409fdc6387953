// verify's verdicts from runs, the result files report reads back, and the
// HTML page and markdown it makes of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "claims.h"
#include "error.h"
#include "html_report.h"
#include "result_file.h"
#include "text_table.h"
#include "verify.h"

namespace zc::analysis {
namespace {

using nlohmann::json;

constexpr std::uint64_t kSize = 16ull << 20, kChunk = 64ull << 10, kChunks = kSize / kChunk;

Count count(std::uint64_t v) {
  Count c;
  c.value = v;
  return c;
}

// A run of `method` on loopback as the collector would leave it: the source
// copied `copies` passes at tcp_sendmsg_locked and called `name` `calls` times.
RunResult run_of(const std::string &method, double copies, const std::string &name,
                 std::uint64_t calls) {
  RunResult r;
  r.params.method = method;
  r.params.size = kSize;
  r.params.chunk = kChunk;
  r.params.cache = "cold";
  r.params.route = "loopback";
  r.params.scatter_gather = true;
  r.integrity.ok = true;
  Account &a = r.source;
  a.cpu_copy.passes.value = copies;
  SiteRow row;
  row.site = "tcp_sendmsg_locked";
  row.cpu_copy = copies > 0;
  row.bytes = static_cast<std::uint64_t>(copies * kSize);
  a.cpu_copy.by_site.push_back(row);
  a.syscalls.total = count(calls);
  a.syscalls.by_name[name].count = calls;
  a.device.storage_bytes = count(kSize);
  a.device.nic_bytes = count(0);
  a.device.virtual_bytes = count(kSize);
  return r;
}

const json &check_named(const json &claim, const std::string &figure) {
  for (const json &ch : claim.at("checks"))
    if (ch.at("figure") == figure)
      return ch;
  throw std::runtime_error("no check " + figure);
}

TEST(Verify, SpliceNeedsTwoCallsPerChunk) {
  const Claim *c = claims().find("splice");
  ASSERT_NE(c, nullptr);
  const json j = verify_claim(*c, run_of("splice", 0, "splice", 2 * kChunks));
  const json &cpu = check_named(j, "cpu_copies");
  EXPECT_EQ(cpu.at("verdict"), kHolds);
  EXPECT_TRUE(cpu.at("why").is_null());
  const json &sw = check_named(j, "context_switches");
  EXPECT_EQ(sw.at("verdict"), kDiffers);
  EXPECT_DOUBLE_EQ(sw.at("measured").get<double>(), 4.0);
  EXPECT_NE(sw.at("why").get<std::string>().find("splice needs 2 calls per chunk"),
            std::string::npos);
  // No NIC on loopback: the DMA claim cannot be checked here.
  const json &dma = check_named(j, "dma_copies");
  EXPECT_EQ(dma.at("verdict"), kUnmeasured);
  EXPECT_DOUBLE_EQ(dma.at("measured").at("storage").get<double>(), 1.0);
}

TEST(Verify, MoreCopiesThanClaimedSayWhere) {
  const Claim *c = claims().find("mmap_write");
  ASSERT_NE(c, nullptr);
  RunResult r = run_of("mmap_write", 2, "write", kChunks);
  r.source.syscalls.by_name["mmap"].count = 1;
  const json j = verify_claim(*c, r);
  const json &cpu = check_named(j, "cpu_copies");
  EXPECT_EQ(cpu.at("verdict"), kDiffers);
  EXPECT_NE(cpu.at("why").get<std::string>().find("tcp_sendmsg_locked 2.00"), std::string::npos);
  const json &sw = check_named(j, "context_switches");
  EXPECT_EQ(sw.at("verdict"), kDiffers);
  EXPECT_NE(sw.at("why").get<std::string>().find("mmap is called once for the whole file"),
            std::string::npos);
}

TEST(Verify, UnmeasuredFiguresMeanNotEveryClaimWasChecked) {
  const Claim *c = claims().find("read_write");
  ASSERT_NE(c, nullptr);
  RunResult r = run_of("read_write", 2, "read", kChunks);
  r.source.syscalls.by_name["write"].count = kChunks;
  r.source.device.virtual_bytes = count(0);
  r.source.device.nic_bytes = count(kSize); // a real NIC: 1 storage + 1 NIC
  const json checked = verify_kernel("host", "6.1", json::array({verify_claim(*c, r)}), {});
  const json doc = verify_document({checked});
  EXPECT_EQ(check_named(checked.at("claims").at(0), "dma_copies").at("verdict"), kHolds);
  EXPECT_EQ(check_named(checked.at("claims").at(0), "context_switches").at("verdict"), kHolds);
  const json unmeasured = verify_kernel(
      "host", "6.1", json::array({unmeasured_claim(*c, "read_write cannot run here")}), {});
  EXPECT_FALSE(every_claim_checked(verify_document({checked, unmeasured})));
  EXPECT_NE(
      render_verify(verify_document({checked, unmeasured})).find("read_write cannot run here"),
      std::string::npos);
}

TEST(ResultFile, RefusesOtherSchemasVersionsAndCutFiles) {
  auto error_of = [](const json &doc) {
    try {
      check_result("f.json", doc);
    } catch (const UsageError &e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of(json::array()).find("not a zctrace result"), std::string::npos);
  EXPECT_NE(error_of({{"schema", "other/1"}}).find("not a zctrace result"), std::string::npos);
  EXPECT_NE(error_of({{"schema", "zctrace.run/2"}}).find("version this zctrace does not read"),
            std::string::npos);
  EXPECT_NE(error_of({{"schema", "zctrace.trace-events/1"}}).find("ui.perfetto.dev"),
            std::string::npos);
  EXPECT_NE(error_of({{"schema", "zctrace.run/1"}, {"method", "x"}}).find("without \"kernel\""),
            std::string::npos);
  EXPECT_NE(error_of({{"schema", "zctrace.probes/1"}}).find("not a result"), std::string::npos);
  const auto cut = std::filesystem::temp_directory_path() / "zctrace-unit-cut.json";
  std::ofstream(cut) << R"({"schema": "zctrace.verify/1", "kernels": [)";
  try {
    load_result(cut.string());
    ADD_FAILURE() << "a cut file was read";
  } catch (const UsageError &e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(HtmlReport, OnePageWithItsDataInlineAndAMarkdownSummary) {
  const Claim *c = claims().find("splice");
  ASSERT_NE(c, nullptr);
  json verify = verify_document({verify_kernel(
      "host", "6.18", json::array({verify_claim(*c, run_of("splice", 0, "splice", 2 * kChunks))}),
      {})});
  json sweep = {{"schema", "zctrace.sweep/1"},
                {"conditions", {{"kernel", "6.18"}}},
                {"points",
                 {{{"method", "send</script>file"},
                   {"size", kSize},
                   {"chunk", 4096},
                   {"status", "ok"},
                   {"summary", {{"throughput_bytes_per_s", 1048576.0 * 500}}},
                   {"runs", json::array()}},
                  {{"method", "sendfile"},
                   {"size", kSize},
                   {"chunk", 65536},
                   {"status", "skipped"},
                   {"summary", nullptr},
                   {"runs", json::array()}}}}};
  const json ds = report_dataset({check_result("v.json", verify), check_result("s.json", sweep)});
  ASSERT_EQ(ds.at("sweeps").size(), 1u); // the skipped point has no figures
  EXPECT_DOUBLE_EQ(ds.at("sweeps").at(0).at("throughput_mib_s").get<double>(), 500.0);
  EXPECT_EQ(ds.at("claims").size(),
            verify.at("kernels").at(0).at("claims").at(0).at("checks").size());
  const std::string html = render_html(ds);
  EXPECT_NE(html.find("<script type=\"application/json\" id=\"zctrace-data\">"), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-sweep\""), std::string::npos);
  // A name holding "</script>" cannot end the data element early: no '<',
  // '>' or '&' inside it at all (JSON's \u escapes mean the same).
  EXPECT_EQ(html.find("send</script>file"), std::string::npos);
  EXPECT_NE(html.find("send\\u003c/script\\u003efile"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos); // self-contained
  const std::string md = render_markdown(ds);
  EXPECT_NE(md.find("| host 6.18 | splice | context_switches | 2 | 4 | differs |"),
            std::string::npos)
      << md;
}

TEST(HtmlReport, AMatrixCellThatWasSkippedBecomesANote) {
  // The runs of a column were once iterated through a copy that was gone
  // before the loop ran (value() returns by value): a matrix could not be
  // reported at all.
  const json matrix = {
      {"schema", "zctrace.matrix/1"},
      {"params", {{"methods", {"tcp_zerocopy_receive"}}, {"size", 1}, {"chunk", 1}}},
      {"columns",
       {{{"name", "debian-6.1-cloud"},
         {"kernel", "6.1.0"},
         {"error", nullptr},
         {"runs", {{"tcp_zerocopy_receive", {{"skipped", "not on this route"}}}}}}}}};
  const json ds = report_dataset({check_result("m.json", matrix)});
  ASSERT_EQ(ds.at("notes").size(), 1u);
  EXPECT_EQ(ds.at("notes").at(0),
            "debian-6.1-cloud 6.1.0: tcp_zerocopy_receive: not on this route");
}

TEST(TextSafety, NoControlCharacterReachesTheTerminal) {
  // A program may name itself anything (prctl PR_SET_NAME): an escape
  // sequence in it would clear the screen or retitle the window.
  EXPECT_EQ(terminal_safe("a\x1b[2Jb\n"), "a\\x1b[2Jb\\x0a");
  EXPECT_EQ(terminal_safe("caf\xc3\xa9 | ok"), "caf\xc3\xa9 | ok"); // UTF-8 stays
  TextTable t({"process"});
  t.add({"\x1b]0;owned\x07"});
  EXPECT_EQ(t.render().find('\x1b'), std::string::npos);
  EXPECT_NE(t.render().find("\\x1b]0;owned\\x07"), std::string::npos);
}

} // namespace
} // namespace zc::analysis
