// Pipes for the splice-family methods.
#pragma once

#include <cstdint>

#include "io.h"

namespace zc::workloads {

struct Pipe {
  Fd read_end;
  Fd write_end;
  std::uint64_t capacity = 0; // bytes it holds
};

// A pipe that holds at least `want` bytes if the system lets it grow that
// far (fs.pipe-max-size), else as much as it can.
Pipe make_pipe(std::uint64_t want);

// splice() until it moved something; throws on error or end of input.
std::size_t splice_some(int in, loff_t *off_in, int out, std::size_t len, const char *what);

// Moves exactly `len` bytes from a pipe to `out` with splice().
void splice_all(int pipe_read, int out, std::size_t len, const char *what);

} // namespace zc::workloads
