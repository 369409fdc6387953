// CRC32C (Castagnoli) of everything a sink receives, compared with the CRC32C
// of the file the source sent. SSE4.2's crc32 instruction when the CPU has it
// (a few GB/s, so checking costs the sink little CPU), a table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zc::workloads {

class Crc32c {
public:
  void update(const void *data, std::size_t len);
  std::uint32_t value() const { return ~state_; }

private:
  std::uint32_t state_ = 0xffffffffu;
};

std::uint32_t crc32c(const void *data, std::size_t len);

} // namespace zc::workloads
