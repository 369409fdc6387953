// zctrace verify: every claim of the articles (claims.json) checked against
// runs of its method under its condition. Each figure gets the measured
// value, a verdict (holds, differs, or cannot be measured here) and, where it
// differs or cannot be measured, one sentence of why. The document
// ("zctrace.verify/1") holds one entry per kernel: this host, and each
// vmtest target when verify runs across them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "claims.h"
#include "run_result.h"

namespace zc::analysis {

inline constexpr const char *kVerifySchema = "zctrace.verify/1";

// A figure's verdict.
inline constexpr const char *kHolds = "holds";
inline constexpr const char *kDiffers = "differs";
inline constexpr const char *kUnmeasured = "cannot be measured here";
// A comparison whose methods' intervals overlap: measured, but not told apart.
inline constexpr const char *kNotToldApart = "cannot be told apart here";

// How close a measured figure must be to the claimed one to hold.
inline constexpr double kTolerance = 0.05;
// DMA copies: a NIC moves the TCP/IP headers too (about 4.5% of the payload
// at an MTU of 1500), so the NIC half of the figure runs that much over.
inline constexpr double kDeviceTolerance = 0.1;

// A run verify needs: a method, under the route condition of its claims.
struct VerifyRun {
  std::string method;
  std::optional<bool> scatter_gather;
  std::optional<bool> lease;
  bool operator==(const VerifyRun &o) const {
    return method == o.method && scatter_gather == o.scatter_gather && lease == o.lease;
  }
};

// The runs that check the claims of methods (comparisons run as a sweep).
std::vector<VerifyRun> verify_runs(const Claims &claims);
VerifyRun run_for(const Claim &claim);

// The checks of one claim about one method against its run.
nlohmann::json verify_claim(const Claim &claim, const RunResult &run);
// A claim whose run could not be made (the method cannot run here, or failed).
nlohmann::json unmeasured_claim(const Claim &claim, const std::string &why);
// A comparison claim from the series document of its methods' sweep.
nlohmann::json verify_comparison(const Claim &claim, const nlohmann::json &series);

// One kernel's entry: its name, release and the checked claims.
nlohmann::json verify_kernel(const std::string &name, const std::string &release,
                             nlohmann::json claims, const nlohmann::json &conditions);

nlohmann::json verify_document(std::vector<nlohmann::json> kernels);

// Every check of every kernel got a verdict of holds or differs.
bool every_claim_checked(const nlohmann::json &doc);

std::string render_verify(const nlohmann::json &doc);

} // namespace zc::analysis
