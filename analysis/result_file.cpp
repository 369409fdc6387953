#include "result_file.h"

#include <fstream>
#include <map>
#include <sstream>

#include "error.h"

namespace zc::analysis {

namespace {

constexpr int kMaxDepth = 64;

// The members each kind of result must have for the report to use it.
const std::map<std::string, std::vector<std::string>> &required_members() {
  static const std::map<std::string, std::vector<std::string>> members = {
      {"run", {"kernel", "method", "params", "source", "sink", "events"}},
      {"compare", {"conditions", "points"}},
      {"sweep", {"conditions", "points"}},
      {"matrix", {"params", "columns"}},
      {"verify", {"kernels", "summary"}},
      {"trace", {"kernel", "target", "program", "events"}},
  };
  return members;
}

} // namespace

const std::vector<std::string> &result_schemas() {
  static const std::vector<std::string> schemas = [] {
    std::vector<std::string> out;
    for (const auto &[kind, _] : required_members())
      out.push_back("zctrace." + kind + "/1");
    return out;
  }();
  return schemas;
}

ResultFile check_result(const std::string &path, nlohmann::json doc) {
  if (!doc.is_object() || !doc.contains("schema") || !doc.at("schema").is_string())
    throw UsageError(path + ": not a zctrace result (no \"schema\" member)");
  const std::string schema = doc.at("schema");
  const auto dot = schema.find('.'), slash = schema.rfind('/');
  if (schema.rfind("zctrace.", 0) != 0 || slash == std::string::npos || dot > slash)
    throw UsageError(path + ": not a zctrace result (schema \"" + schema + "\")");
  const std::string kind = schema.substr(dot + 1, slash - dot - 1);
  if (kind == "trace-events")
    throw UsageError(path + ": an event trace; open it in ui.perfetto.dev (report reads run, "
                            "compare, sweep, matrix, verify and trace results)");
  const auto it = required_members().find(kind);
  if (it == required_members().end())
    throw UsageError(path + ": " + schema + " is not a result zctrace report reads");
  if (schema != "zctrace." + kind + "/1")
    throw UsageError(path + ": " + schema +
                     " is a version this zctrace does not read (it reads zctrace." + kind + "/1)");
  for (const std::string &member : it->second)
    if (!doc.contains(member))
      throw UsageError(path + ": " + schema + " without \"" + member + "\" (cut short or edited?)");
  return {path, kind, std::move(doc)};
}

ResultFile load_result(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError(path + ": cannot be read: " + errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_result(path, text.str());
}

ResultFile parse_result(const std::string &path, const std::string &text) {
  nlohmann::json doc;
  try {
    // zctrace's documents nest a dozen levels; a file nesting deeper is not
    // one, and is refused before anything walks it.
    const nlohmann::json::parser_callback_t depth_limit =
        [&path](int depth, nlohmann::json::parse_event_t, nlohmann::json &) {
          if (depth > kMaxDepth)
            throw UsageError(path + ": nests deeper than " + std::to_string(kMaxDepth) +
                             " levels; not a zctrace result");
          return true;
        };
    doc = nlohmann::json::parse(text, depth_limit);
  } catch (const nlohmann::json::parse_error &e) {
    const bool at_end = e.byte >= text.size();
    throw UsageError(path + ": not valid JSON" + (at_end ? " (truncated?)" : "") + " at byte " +
                     std::to_string(e.byte));
  }
  return check_result(path, std::move(doc));
}

} // namespace zc::analysis
