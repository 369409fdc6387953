// Uncached buffered reads: preadv2() with RWF_DONTCACHE (Linux 6.14,
// include/uapi/linux/fs.h). The read goes through the page cache, copies
// as a plain read() does, and the folios it brought in are dropped once
// read. A kernel without the flag, or a filesystem that does not take it
// (no FOP_DONTCACHE), refuses it with EOPNOTSUPP.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace zc::workloads {

// Debian 12's kernel headers predate it.
inline constexpr int kRwfDontcache = 0x00000080;

// Why a file in `dir` cannot be read uncached on this kernel; empty when it
// can. Probed by trying, once per directory: one page written to an unnamed
// file there, read back with the flag.
std::string uncached_reads_unavailable(const std::string &dir);

// read() with RWF_DONTCACHE at the file's current offset.
ssize_t read_uncached(int fd, void *buf, std::size_t len);

} // namespace zc::workloads
