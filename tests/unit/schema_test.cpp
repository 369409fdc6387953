// The JSON Schemas of schemas/ are valid schemas, the claims file follows
// its own, and a run document follows its schema while each way of breaking
// it is caught (the integration and vm tests validate every document they
// produce with the same validator).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

#include "documents.h"
#include "invocation.h"
#include "run_json.h"
#include "run_session.h"
#include "sample_run.h"
#include "subprocess.h"

namespace zc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(Schemas, AreValidJsonSchemas) {
  const vmtest::ToolResult r =
      vmtest::run_tool({ZCTRACE_SOURCE_DIR "/scripts/validate-json.py", "--check-schemas"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // One schema per document kind zctrace writes or reads, and the parts they share.
  for (const char *kind : {"common", "run", "trace", "trace-events", "probes", "compare", "sweep",
                           "verify", "crosscheck", "matrix", "claims"})
    EXPECT_NE(r.out.find(std::string(kind) + ".1.schema.json: a valid JSON Schema"),
              std::string::npos)
        << kind;
}

TEST(Schemas, TheClaimsFileFollowsItsSchema) {
  const test::Validation v = test::validate_document(ZCTRACE_SOURCE_DIR "/analysis/claims.json");
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

// The unit tests' sample run, every figure it leaves unmeasured saying why,
// as the collector's do.
RunResult small_run() {
  RunResult r = test::sample_run();
  const Evidence unmeasured{EvidenceKind::Unavailable, {}, "not measured by this test"};
  auto explain = [&](Evidence &e) {
    if (e.how.empty())
      e = unmeasured;
  };
  for (Account *a : {&r.source, &r.sink})
    for_each_figure(*a, [&](const char *, auto &fig) { explain(fig.evidence); });
  explain(r.transfer_wall_ns.evidence);
  explain(r.throughput_bytes_per_s.evidence);
  r.overhead.why_not = "not measured by this test";
  for (Count *f : {&r.unattributed.dma_mapped_bytes, &r.unattributed.receive_buffer_dma_bytes,
                   &r.unattributed.unknown_device_dma_bytes})
    explain(f->evidence);
  return r;
}

// What the validator says of `doc`, written as it is.
test::Validation check(const json &doc) {
  const fs::path path =
      fs::temp_directory_path() / ("zctrace-schema-" + std::to_string(getpid()) + ".json");
  std::ofstream(path) << doc.dump(2);
  const test::Validation v = test::validate_document(path);
  fs::remove(path);
  return v;
}

TEST(Schemas, ARunDocumentFollowsItsSchemaAndEachBreachIsCaught) {
  const char *argv[] = {"zctrace", "run", "mmap_write"};
  record_invocation(3, argv);
  json good = run_document(small_run());
  good["produced_by"] = invocation_json();
  const test::Validation ok = check(good);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;

  const std::vector<std::pair<std::string, std::function<void(json &)>>> breaches = {
      {"$", [](json &j) { j["unknown_field"] = 1; }},
      {"$.method", [](json &j) { j["method"] = 42; }},
      {"$.source.cpu_copy.bytes", [](json &j) { j["source"]["cpu_copy"]["bytes"] = -1; }},
      {"'sink' is a required property", [](json &j) { j.erase("sink"); }},
      {"$.lost_events", [](json &j) { j["lost_events"] = nullptr; }},
      // A null without its reason.
      {"$.probes[0]",
       [](json &j) {
         j["probes"][0]["attached"] = false;
         j["probes"][0]["reason"] = nullptr;
       }},
      {"$.overhead",
       [](json &j) {
         j["overhead"]["measured"] = false;
         j["overhead"]["why_not"] = nullptr;
       }},
      {"$.integrity",
       [](json &j) {
         j["integrity"]["ok"] = false;
         j["integrity"]["error"] = nullptr;
       }},
      {"$.source.evidence", [](json &j) { j["source"]["evidence"]["cpu_copy.bytes"]["how"] = ""; }},
      {"$.integrity.expected_checksum",
       [](json &j) { j["integrity"]["expected_checksum"] = "deadbeef"; }},
  };
  // Each breach, and what the validator names in its error.
  for (const auto &[where, breach] : breaches) {
    json doc = good;
    breach(doc);
    const test::Validation c = check(doc);
    EXPECT_EQ(c.exit_code, 1) << where << ":\n" << c.output;
    EXPECT_NE(c.output.find(where), std::string::npos) << where << ":\n" << c.output;
  }
  // A run on its own says what produced it (inside a series, the series does).
  json bare = good;
  bare.erase("produced_by");
  EXPECT_EQ(check(bare).exit_code, 1);
}

} // namespace
} // namespace zc
