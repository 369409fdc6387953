// The popular articles' claims (analysis/claims.json, embedded in the binary
// at build time): what each copy method is said to cost.
#pragma once

#include <cstdint>
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

// A qualitative claim as bounds on one figure of one role's account: the
// passes at one copy site ("direct I/O: no page-cache copy on the source"),
// or the signals of one kind the kernel generated for it ("the writer gets
// SIGBUS"), or the payload passes a copy method moved from a file to a
// socket, as the descriptor flows show it ("transferTo is sendfile").
// Exactly one of site, signal and method_seen is set.
struct Expectation {
  std::string role;        // "source" or "sink"
  std::string site;        // copy site name (copy_sites.cpp)
  std::string signal;      // signal name ("SIGBUS", "SIGRTMIN+1")
  std::string method_seen; // method_use's name ("sendfile", "mmap+write")
  std::optional<double> min_passes;
  std::optional<double> max_passes;
  std::optional<std::uint64_t> min_count; // signals
  std::optional<std::uint64_t> max_count;
};

// A comparison's expected winner among its methods at some chunk sizes.
struct WinnerExpectation {
  std::string metric; // "fastest" or "least_cpu_per_byte"
  std::string at;     // "smallest_chunk", "largest_chunk" or "every_chunk"
  std::string method;
};

struct Claim {
  std::string id;
  std::string label;                // "mmap + write"
  std::string method;               // workload name; empty for a comparison of methods
  std::vector<std::string> methods; // the methods a comparison is about
  std::optional<std::string> condition;
  std::optional<bool> scatter_gather; // the route condition it is made for
  std::optional<bool> lease;          // made with (true) or without a read lease (--lease)
  // Figures, where the article gives them.
  std::optional<int> cpu_copies;
  std::optional<int> dma_copies;
  std::optional<int> context_switches; // user/kernel mode switches
  std::vector<std::string> syscalls;
  std::optional<std::string> statement; // a qualitative claim, in English
  std::vector<Expectation> expect;
  std::vector<WinnerExpectation> winners;
  std::vector<ClaimSource> sources;
};

struct Claims {
  std::vector<Article> articles;
  std::vector<Claim> claims;

  const Claim *find(std::string_view id) const;
  std::vector<const Claim *> for_method(std::string_view method) const;
  // The method's claims made for a run over a route with scatter-gather on
  // or off, with or without a lease (unknown: all of them).
  std::vector<const Claim *> for_run(std::string_view method, std::optional<bool> scatter_gather,
                                     std::optional<bool> lease = std::nullopt) const;
  // Comparisons whose methods are all among `methods`.
  std::vector<const Claim *> comparisons(const std::vector<std::string> &methods) const;
};

// The embedded claims. Throws zc::Error if they do not parse (a build defect).
const Claims &claims();

// Parses a claims document; throws zc::Error with the reason on a bad one.
Claims parse_claims(const nlohmann::json &doc);

nlohmann::json to_json(const Claim &claim);
// {role, site, min_passes, max_passes} or {role, signal, min_count, max_count}.
nlohmann::json expectation_json(const Expectation &e);

} // namespace zc::analysis
