#include <gtest/gtest.h>

#include "claims.h"
#include "error.h"

namespace zc::analysis {
namespace {

TEST(Claims, TheArticlesTable) {
  const Claims &c = claims();
  const Claim *rw = c.find("read_write");
  ASSERT_NE(rw, nullptr);
  EXPECT_EQ(rw->cpu_copies, 2);
  EXPECT_EQ(rw->dma_copies, 2);
  EXPECT_EQ(rw->context_switches, 4);
  EXPECT_EQ(c.find("mmap_write")->cpu_copies, 1);
  EXPECT_EQ(c.find("mmap_write")->context_switches, 4);
  EXPECT_EQ(c.find("sendfile")->cpu_copies, 1);
  EXPECT_EQ(c.find("sendfile")->context_switches, 2);
  EXPECT_EQ(c.find("sendfile_dma_gather")->cpu_copies, 0);
  EXPECT_EQ(c.find("splice")->cpu_copies, 0);
  EXPECT_EQ(c.for_method("sendfile").size(), 2u);
  for (const Claim &claim : c.claims)
    EXPECT_FALSE(claim.sources.empty()) << claim.id;
}

TEST(Claims, RejectsADocumentCitingAnUnknownArticle) {
  const auto doc = nlohmann::json::parse(R"({
    "schema": "zctrace.claims/1", "articles": [],
    "claims": [{"id": "x", "label": "x", "method": "x", "condition": null, "cpu_copies": 1,
                "dma_copies": 2, "context_switches": 4, "syscalls": [],
                "sources": [{"article": "nowhere", "line": 1, "quote": "q"}]}]})");
  EXPECT_THROW(parse_claims(doc), Error);
  EXPECT_THROW(parse_claims(nlohmann::json::parse(R"({"schema": "other/1"})")), Error);
  EXPECT_THROW(parse_claims(nlohmann::json::parse(R"({"schema": "zctrace.claims/1"})")), Error);
}

TEST(Claims, StatementsAndComparisons) {
  const Claims &c = claims();
  const Claim *dio = c.find("direct_io");
  ASSERT_NE(dio, nullptr);
  EXPECT_FALSE(dio->cpu_copies.has_value());
  ASSERT_TRUE(dio->statement.has_value());
  ASSERT_EQ(dio->expect.size(), 2u);
  EXPECT_EQ(dio->expect[0].site, "filemap_read");
  EXPECT_EQ(*dio->expect[0].max_passes, 0.0);
  ASSERT_NE(c.find("cow"), nullptr);
  // The route decides which sendfile row applies.
  EXPECT_EQ(c.for_run("sendfile", false).size(), 1u);
  EXPECT_EQ(c.for_run("sendfile", false)[0]->id, "sendfile");
  EXPECT_EQ(c.for_run("sendfile", true)[0]->id, "sendfile_dma_gather");
  EXPECT_EQ(c.for_run("sendfile", std::nullopt).size(), 2u);
  // A comparison applies when all of its methods are present.
  EXPECT_EQ(c.comparisons({"mmap_write", "sendfile", "splice"}).size(), 1u);
  EXPECT_TRUE(c.comparisons({"mmap_write"}).empty());
  EXPECT_FALSE(c.find("rocketmq_kafka")->winners.empty());
}

TEST(Claims, RejectsClaimsThatCannotBeChecked) {
  auto doc = [](const std::string &claim) {
    return nlohmann::json::parse(R"({"schema": "zctrace.claims/1", "articles": [], "claims": [)" +
                                 claim + "]}");
  };
  // Neither figures nor a statement.
  EXPECT_THROW(parse_claims(doc(R"({"id": "x", "label": "x", "method": "x", "syscalls": [],
      "sources": []})")),
               Error);
  // An expectation without a bound.
  EXPECT_THROW(parse_claims(doc(R"({"id": "x", "label": "x", "method": "x", "syscalls": [],
      "statement": "s", "expect": [{"role": "source", "site": "filemap_read"}], "sources": []})")),
               Error);
  // A winner that is not among the compared methods.
  EXPECT_THROW(parse_claims(doc(R"({"id": "x", "label": "x", "methods": ["a", "b"],
      "syscalls": [], "statement": "s",
      "winners": [{"metric": "fastest", "at": "every_chunk", "method": "c"}], "sources": []})")),
               Error);
  // Both a method and methods.
  EXPECT_THROW(parse_claims(doc(R"({"id": "x", "label": "x", "method": "a", "methods": ["a"],
      "syscalls": [], "statement": "s", "sources": []})")),
               Error);
}

} // namespace
} // namespace zc::analysis
