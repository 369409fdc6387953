// Reading zctrace's result files back (zctrace report): each is checked for
// a schema this zctrace writes, at the version it writes, with the parts the
// report needs; anything else is refused with one line saying what is wrong.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zc::analysis {

struct ResultFile {
  std::string path;
  std::string kind; // "run", "compare", "sweep", "matrix", "verify", "trace"
  nlohmann::json doc;
};

// The schemas `load_result` accepts, as "zctrace.run/1", ...
const std::vector<std::string> &result_schemas();

// Throws UsageError naming the file and the problem.
ResultFile load_result(const std::string &path);
// The same for a file's text (`path` names it in errors).
ResultFile parse_result(const std::string &path, const std::string &text);
// The same for a document already parsed.
ResultFile check_result(const std::string &path, nlohmann::json doc);

} // namespace zc::analysis
