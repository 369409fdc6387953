// The popular articles' claims (analysis/claims.json, embedded in the binary
// at build time): what each copy method is said to cost.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace zc::analysis {

struct ClaimSource {
  std::string article; // article id
  int line = 0;
  std::string quote;
};

struct Article {
  std::string id;
  std::string title;
  std::optional<std::string> published;
  std::optional<std::string> url;
};

struct Claim {
  std::string id;
  std::string label;  // "mmap + write"
  std::string method; // workload name
  std::optional<std::string> condition;
  int cpu_copies = 0;
  int dma_copies = 0;
  int context_switches = 0; // user/kernel mode switches
  std::vector<std::string> syscalls;
  std::vector<ClaimSource> sources;
};

struct Claims {
  std::vector<Article> articles;
  std::vector<Claim> claims;

  const Claim *find(std::string_view id) const;
  std::vector<const Claim *> for_method(std::string_view method) const;
};

// The embedded claims. Throws zc::Error if they do not parse (a build defect).
const Claims &claims();

// Parses a claims document; throws zc::Error with the reason on a bad one.
Claims parse_claims(const nlohmann::json &doc);

nlohmann::json to_json(const Claim &claim);

} // namespace zc::analysis
