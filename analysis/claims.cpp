#include "claims.h"

#include <algorithm>

#include "error.h"

namespace zc {
extern const std::string_view kClaimsJson;
}

namespace zc::analysis {

namespace {

template <typename T> std::optional<T> optional_of(const nlohmann::json &j, const char *key) {
  if (!j.contains(key) || j.at(key).is_null())
    return std::nullopt;
  return j.at(key).get<T>();
}

std::optional<std::string> optional_string(const nlohmann::json &j, const char *key) {
  return optional_of<std::string>(j, key);
}

template <typename T> nlohmann::json nullable(const std::optional<T> &v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

const Claim *Claims::find(std::string_view id) const {
  auto it = std::find_if(claims.begin(), claims.end(), [&](const Claim &c) { return c.id == id; });
  return it == claims.end() ? nullptr : &*it;
}

std::vector<const Claim *> Claims::for_method(std::string_view method) const {
  return for_run(method, std::nullopt);
}

std::vector<const Claim *> Claims::for_run(std::string_view method,
                                           std::optional<bool> scatter_gather,
                                           std::optional<bool> lease) const {
  auto fits = [](std::optional<bool> run, std::optional<bool> claim) {
    return !run || !claim || *run == *claim;
  };
  std::vector<const Claim *> out;
  for (const auto &c : claims)
    if (c.method == method && fits(scatter_gather, c.scatter_gather) && fits(lease, c.lease))
      out.push_back(&c);
  return out;
}

std::vector<const Claim *> Claims::comparisons(const std::vector<std::string> &methods) const {
  std::vector<const Claim *> out;
  for (const auto &c : claims)
    if (!c.methods.empty() && std::all_of(c.methods.begin(), c.methods.end(), [&](const auto &m) {
          return std::find(methods.begin(), methods.end(), m) != methods.end();
        }))
      out.push_back(&c);
  return out;
}

Claims parse_claims(const nlohmann::json &doc) {
  try {
    if (doc.at("schema") != "zctrace.claims/1")
      throw Error("schema is " + doc.at("schema").dump() + ", expected \"zctrace.claims/1\"");
    Claims out;
    for (const auto &a : doc.at("articles"))
      out.articles.push_back({a.at("id").get<std::string>(), a.at("title").get<std::string>(),
                              optional_string(a, "published"), optional_string(a, "url")});
    for (const auto &c : doc.at("claims")) {
      Claim claim;
      claim.id = c.at("id").get<std::string>();
      claim.label = c.at("label").get<std::string>();
      claim.method = optional_string(c, "method").value_or("");
      claim.methods = c.value("methods", std::vector<std::string>{});
      if (claim.method.empty() == claim.methods.empty())
        throw Error("claim " + claim.id + " needs either a method or methods");
      claim.condition = optional_string(c, "condition");
      claim.scatter_gather = optional_of<bool>(c, "scatter_gather");
      claim.lease = optional_of<bool>(c, "lease");
      claim.cpu_copies = optional_of<int>(c, "cpu_copies");
      claim.dma_copies = optional_of<int>(c, "dma_copies");
      claim.context_switches = optional_of<int>(c, "context_switches");
      claim.syscalls = c.at("syscalls").get<std::vector<std::string>>();
      claim.statement = optional_string(c, "statement");
      if (!claim.cpu_copies && !claim.statement)
        throw Error("claim " + claim.id + " has neither figures nor a statement");
      for (const auto &e : c.value("expect", nlohmann::json::array())) {
        Expectation x;
        x.role = e.at("role").get<std::string>();
        if (x.role != "source" && x.role != "sink")
          throw Error("claim " + claim.id + ": expectation role must be source or sink");
        if (e.contains("signal") + e.contains("site") + e.contains("method_seen") != 1)
          throw Error("claim " + claim.id +
                      ": an expectation names one of a site, a signal and a method seen");
        if (e.contains("method_seen")) {
          x.method_seen = e.at("method_seen").get<std::string>();
          x.min_passes = optional_of<double>(e, "min_passes");
          x.max_passes = optional_of<double>(e, "max_passes");
          if (!x.min_passes && !x.max_passes)
            throw Error("claim " + claim.id + ": expectation on " + x.method_seen +
                        " has no bound");
        } else if (e.contains("signal")) {
          x.signal = e.at("signal").get<std::string>();
          x.min_count = optional_of<std::uint64_t>(e, "min_count");
          x.max_count = optional_of<std::uint64_t>(e, "max_count");
          if (!x.min_count && !x.max_count)
            throw Error("claim " + claim.id + ": expectation on " + x.signal + " has no bound");
        } else {
          x.site = e.at("site").get<std::string>();
          x.min_passes = optional_of<double>(e, "min_passes");
          x.max_passes = optional_of<double>(e, "max_passes");
          if (!x.min_passes && !x.max_passes)
            throw Error("claim " + claim.id + ": expectation on " + x.site + " has no bound");
        }
        claim.expect.push_back(std::move(x));
      }
      for (const auto &w : c.value("winners", nlohmann::json::array())) {
        WinnerExpectation x{w.at("metric").get<std::string>(), w.at("at").get<std::string>(),
                            w.at("method").get<std::string>()};
        if (x.metric != "fastest" && x.metric != "least_cpu_per_byte")
          throw Error("claim " + claim.id + ": unknown winner metric " + x.metric);
        if (x.at != "smallest_chunk" && x.at != "largest_chunk" && x.at != "every_chunk")
          throw Error("claim " + claim.id + ": unknown winner position " + x.at);
        if (std::find(claim.methods.begin(), claim.methods.end(), x.method) == claim.methods.end())
          throw Error("claim " + claim.id + ": winner " + x.method + " is not among its methods");
        claim.winners.push_back(std::move(x));
      }
      for (const auto &s : c.at("sources")) {
        const std::string article = s.at("article").get<std::string>();
        if (std::none_of(out.articles.begin(), out.articles.end(),
                         [&](const Article &a) { return a.id == article; }))
          throw Error("claim " + claim.id + " cites unknown article " + article);
        claim.sources.push_back(
            {article, s.at("line").get<int>(), s.at("quote").get<std::string>()});
      }
      out.claims.push_back(std::move(claim));
    }
    return out;
  } catch (const nlohmann::json::exception &e) {
    throw Error(std::string("bad claims document: ") + e.what());
  }
}

const Claims &claims() {
  static const Claims parsed = parse_claims(nlohmann::json::parse(kClaimsJson));
  return parsed;
}

nlohmann::json expectation_json(const Expectation &e) {
  if (!e.method_seen.empty())
    return {{"role", e.role},
            {"method_seen", e.method_seen},
            {"min_passes", nullable(e.min_passes)},
            {"max_passes", nullable(e.max_passes)}};
  if (!e.signal.empty())
    return {{"role", e.role},
            {"signal", e.signal},
            {"min_count", nullable(e.min_count)},
            {"max_count", nullable(e.max_count)}};
  return {{"role", e.role},
          {"site", e.site},
          {"min_passes", nullable(e.min_passes)},
          {"max_passes", nullable(e.max_passes)}};
}

nlohmann::json to_json(const Claim &c) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto &s : c.sources)
    sources.push_back({{"article", s.article}, {"line", s.line}, {"quote", s.quote}});
  nlohmann::json expect = nlohmann::json::array();
  for (const auto &e : c.expect)
    expect.push_back(expectation_json(e));
  nlohmann::json winners = nlohmann::json::array();
  for (const auto &w : c.winners)
    winners.push_back({{"metric", w.metric}, {"at", w.at}, {"method", w.method}});
  return {{"id", c.id},
          {"label", c.label},
          {"method", c.method.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.method)},
          {"methods", c.methods},
          {"condition", nullable(c.condition)},
          {"scatter_gather", nullable(c.scatter_gather)},
          {"lease", nullable(c.lease)},
          {"cpu_copies", nullable(c.cpu_copies)},
          {"dma_copies", nullable(c.dma_copies)},
          {"context_switches", nullable(c.context_switches)},
          {"syscalls", c.syscalls},
          {"statement", nullable(c.statement)},
          {"expect", std::move(expect)},
          {"winners", std::move(winners)},
          {"sources", std::move(sources)}};
}

} // namespace zc::analysis
