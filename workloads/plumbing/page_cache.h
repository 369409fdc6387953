// Putting a file's pages in the state a run asks for: all in the page cache
// (warm) or none (cold, so the device really transfers), and checking it.
#pragma once

#include <cstdint>
#include <string>

namespace zc::workloads {

enum class CacheMode { Warm, Cold };

// Pages of the file that are in the page cache now (mincore on a mapping,
// which itself faults nothing in).
std::uint64_t resident_pages(const std::string &path, std::uint64_t size);

// Drops the file's clean pages (POSIX_FADV_DONTNEED after fsync) or reads the
// file through once. Returns the resident page count afterwards.
std::uint64_t prepare_cache(const std::string &path, std::uint64_t size, CacheMode mode);

std::uint64_t page_count(std::uint64_t size);

} // namespace zc::workloads
