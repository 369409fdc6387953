#include "claims.h"

#include <algorithm>

#include "error.h"

namespace zc {
extern const std::string_view kClaimsJson;
}

namespace zc::analysis {

namespace {

std::optional<std::string> optional_string(const nlohmann::json &j, const char *key) {
  if (!j.contains(key) || j.at(key).is_null())
    return std::nullopt;
  return j.at(key).get<std::string>();
}

} // namespace

const Claim *Claims::find(std::string_view id) const {
  auto it = std::find_if(claims.begin(), claims.end(), [&](const Claim &c) { return c.id == id; });
  return it == claims.end() ? nullptr : &*it;
}

std::vector<const Claim *> Claims::for_method(std::string_view method) const {
  std::vector<const Claim *> out;
  for (const auto &c : claims)
    if (c.method == method)
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
      claim.method = c.at("method").get<std::string>();
      claim.condition = optional_string(c, "condition");
      claim.cpu_copies = c.at("cpu_copies").get<int>();
      claim.dma_copies = c.at("dma_copies").get<int>();
      claim.context_switches = c.at("context_switches").get<int>();
      claim.syscalls = c.at("syscalls").get<std::vector<std::string>>();
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

nlohmann::json to_json(const Claim &c) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto &s : c.sources)
    sources.push_back({{"article", s.article}, {"line", s.line}, {"quote", s.quote}});
  return {{"id", c.id},
          {"label", c.label},
          {"method", c.method},
          {"condition", c.condition ? nlohmann::json(*c.condition) : nlohmann::json(nullptr)},
          {"cpu_copies", c.cpu_copies},
          {"dma_copies", c.dma_copies},
          {"context_switches", c.context_switches},
          {"syscalls", c.syscalls},
          {"sources", std::move(sources)}};
}

} // namespace zc::analysis
