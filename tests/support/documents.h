// Every JSON document a test reads from zctrace is first checked against the
// JSON Schema its "schema" field names (schemas/, by scripts/validate-json.py
// with Debian's python3-jsonschema): a document that does not validate fails
// the test that read it, with the validator's errors.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace zc::test {

// The document at `path`, validated; null (and a failure) when it cannot be read.
nlohmann::json read_document(const std::filesystem::path &path);

// The document in `text` (as `--json -` writes it), validated.
nlohmann::json parse_document(const std::string &text);

// The validator's verdict on `path`: its exit status (0 valid, 1 invalid,
// 2 unreadable or no schema) and what it printed.
struct Validation {
  int exit_code = -1;
  std::string output;
};
Validation validate_document(const std::filesystem::path &path);

// A zctrace.verify/1 document's verdicts in its first kernel, by
// "<claim id> <figure>" ("mmap_truncate SIGBUS to the source").
std::map<std::string, std::string> verdicts_of(const nlohmann::json &verify);

} // namespace zc::test
