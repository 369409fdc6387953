#include "crc32c.h"

#include <array>
#include <cstring>

#include <nmmintrin.h>

namespace zc::workloads {

namespace {

constexpr std::uint32_t kPoly = 0x82f63b78u; // reflected Castagnoli polynomial

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr auto kTable = make_table();

std::uint32_t update_table(std::uint32_t crc, const unsigned char *p, std::size_t len) {
  while (len--)
    crc = kTable[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

__attribute__((target("sse4.2"))) std::uint32_t
update_sse42(std::uint32_t crc, const unsigned char *p, std::size_t len) {
  std::uint64_t c = crc;
  while (len >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
    p += 8;
    len -= 8;
  }
  crc = static_cast<std::uint32_t>(c);
  while (len--)
    crc = _mm_crc32_u8(crc, *p++);
  return crc;
}

bool have_sse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}

} // namespace

void Crc32c::update(const void *data, std::size_t len) {
  const auto *p = static_cast<const unsigned char *>(data);
  state_ = have_sse42() ? update_sse42(state_, p, len) : update_table(state_, p, len);
}

std::uint32_t crc32c(const void *data, std::size_t len) {
  Crc32c c;
  c.update(data, len);
  return c.value();
}

} // namespace zc::workloads
