// One copy method = one workload: a source process that moves a file to a
// TCP socket with that method, and a sink process (a separate process) that
// receives it and checks every byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io.h"

namespace zc::workloads {

struct SourceContext {
  std::string path;    // the data file to send
  std::string address; // the sink's IPv4 address
  std::uint16_t port;  // and port
  std::uint64_t size;  // bytes in the file
  std::uint64_t chunk;

  Fd connect() const { return connect_to(address, port); }
};

struct SinkContext {
  int listen_fd; // listening socket the source will connect to
  std::uint64_t chunk;
};

struct Received {
  std::uint64_t bytes = 0;
  std::uint32_t crc32c = 0;
};

class Workload {
public:
  virtual ~Workload() = default;
  virtual std::string_view name() const = 0;
  // What the source does, in one line.
  virtual std::string_view summary() const = 0;
  // Ids of the claims (analysis/claims.json) this method is compared with.
  virtual std::vector<std::string_view> claims() const = 0;
  // Moves the file to the socket; runs in the source process. Throws
  // zc::Error on failure.
  virtual void send(const SourceContext &ctx) const = 0;
  // Accepts the source's connection and receives until EOF; runs in the sink
  // process. By default read() into a buffer of `chunk` bytes (at most 1 MiB).
  virtual Received receive(const SinkContext &ctx) const;
};

const std::vector<const Workload *> &all_workloads();
const Workload *find_workload(std::string_view name);
std::vector<std::string> workload_names();

} // namespace zc::workloads
