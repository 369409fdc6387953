// x86_64 syscall names by number, generated at build time from Debian's
// <asm/unistd_64.h>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zc {

// "write" for 1; "syscall_999" for a number the table does not know.
std::string syscall_name(std::uint32_t nr);

// 1 for "write"; 0xffffffff for a name the table does not know.
std::uint32_t syscall_number(std::string_view name);

// Does this syscall's return value count bytes of data moved (read, write,
// sendfile, splice, ...)? Only for these are returned bytes summed.
bool syscall_returns_bytes(std::uint32_t nr);

} // namespace zc
