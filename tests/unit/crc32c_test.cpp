#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crc32c.h"

namespace zc::workloads {
namespace {

TEST(Crc32c, KnownVectors) {
  // RFC 3720 B.4 check value, and the empty input.
  EXPECT_EQ(crc32c("123456789", 9), 0xe3069283u);
  EXPECT_EQ(crc32c("", 0), 0u);
  std::vector<unsigned char> zeros(32, 0);
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8a9136aau);
}

TEST(Crc32c, IncrementalEqualsWhole) {
  std::string data;
  for (int i = 0; i < 100000; ++i)
    data += static_cast<char>(i * 7 + 3);
  Crc32c inc;
  for (std::size_t off = 0; off < data.size(); off += 997)
    inc.update(data.data() + off, std::min<std::size_t>(997, data.size() - off));
  EXPECT_EQ(inc.value(), crc32c(data.data(), data.size()));
  data[5000] ^= 1; // a single flipped bit changes it
  EXPECT_NE(inc.value(), crc32c(data.data(), data.size()));
}

} // namespace
} // namespace zc::workloads
