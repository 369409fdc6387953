#include "documents.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "subprocess.h"

namespace zc::test {

Validation validate_document(const std::filesystem::path &path) {
  const vmtest::ToolResult r =
      vmtest::run_tool({ZCTRACE_SOURCE_DIR "/scripts/validate-json.py", path.string()});
  return {r.exit_code, r.out + r.err};
}

nlohmann::json read_document(const std::filesystem::path &path) {
  std::ifstream in(path);
  if (!in.good()) {
    ADD_FAILURE() << path << ": cannot be read";
    return nullptr;
  }
  const Validation v = validate_document(path);
  EXPECT_EQ(v.exit_code, 0) << path << " does not follow its schema:\n" << v.output;
  return nlohmann::json::parse(in);
}

nlohmann::json parse_document(const std::string &text) {
  char name[] = "/tmp/zctrace-document-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) {
    ADD_FAILURE() << "mkstemp: " << std::strerror(errno);
    return nlohmann::json::parse(text);
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  const Validation v = validate_document(name);
  ::unlink(name);
  EXPECT_EQ(v.exit_code, 0) << "the document does not follow its schema:\n" << v.output;
  return nlohmann::json::parse(text);
}

std::map<std::string, std::string> verdicts_of(const nlohmann::json &verify) {
  std::map<std::string, std::string> out;
  for (const auto &claim : verify.at("kernels").at(0).at("claims"))
    for (const auto &check : claim.at("checks"))
      out[claim.at("id").get<std::string>() + " " + check.at("figure").get<std::string>()] =
          check.at("verdict");
  return out;
}

} // namespace zc::test
