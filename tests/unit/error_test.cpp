#include <gtest/gtest.h>

#include <cerrno>

#include "error.h"

namespace zc {
namespace {

TEST(Describe, JoinsNestedContextOnOneLine) {
  try {
    with_context("loading the probes",
                 [] { with_context("copies probes", [] { throw Error("verifier said no"); }); });
    FAIL() << "no exception";
  } catch (const std::exception &e) {
    const ErrorReport r = describe(e);
    EXPECT_EQ(r.message, "loading the probes: copies probes: verifier said no");
    EXPECT_EQ(r.exit_code, kExitFailure);
  }
}

TEST(Describe, InnermostExitCodeWins) {
  try {
    with_context("parsing", [] { throw UsageError("bad size '0'"); });
    FAIL() << "no exception";
  } catch (const std::exception &e) {
    EXPECT_EQ(describe(e).exit_code, kExitUsage);
  }
}

TEST(ErrnoText, NamesTheErrno) {
  EXPECT_NE(errno_text(ENOENT).find("(ENOENT)"), std::string::npos);
  errno = EPERM;
  try {
    throw_errno("bpf");
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()).rfind("bpf: ", 0), 0u);
    EXPECT_NE(std::string(e.what()).find("EPERM"), std::string::npos);
  }
}

} // namespace
} // namespace zc
