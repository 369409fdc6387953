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

} // namespace
} // namespace zc::analysis
