#include <gtest/gtest.h>

#include "error.h"
#include "units.h"

namespace zc {
namespace {

TEST(ParseSize, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_size("1"), 1u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("4K"), 4096u);
  EXPECT_EQ(parse_size("4k"), 4096u);
  EXPECT_EQ(parse_size("64M"), 64ull << 20);
  EXPECT_EQ(parse_size("64MiB"), 64ull << 20);
  EXPECT_EQ(parse_size("64MB"), 64ull << 20);
  EXPECT_EQ(parse_size("2G"), 2ull << 30);
  EXPECT_EQ(parse_size("1T"), 1ull << 40);
  EXPECT_EQ(parse_size("12B"), 12u);
}

TEST(ParseSize, RejectsWithOneLineReason) {
  for (const char *bad : {"", "M", "-1", "1.5M", "12Q", "4 K", "0", "0K"}) {
    try {
      parse_size(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError &e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("bad size '" + std::string(bad) + "'"), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_EQ(e.exit_code(), kExitUsage);
    }
  }
}

TEST(ParseSize, RejectsOverflow) {
  EXPECT_THROW(parse_size("99999999999999999999"), UsageError);
  EXPECT_THROW(parse_size("17179869184G"), UsageError); // 2^34 GiB = 2^64 bytes
  EXPECT_EQ(parse_size("17179869183G"), 17179869183ull << 30);
}

TEST(FormatSize, UsesExactBinaryUnits) {
  EXPECT_EQ(format_size(64ull << 20), "64 MiB");
  EXPECT_EQ(format_size(4096), "4 KiB");
  EXPECT_EQ(format_size(1000), "1000 B");
  EXPECT_EQ(format_size(1536), "1536 B"); // 1.5 KiB is not a whole unit
}

} // namespace
} // namespace zc
