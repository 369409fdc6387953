// The copy methods, one file each (read_write.cpp, mmap_write.cpp, ...).
#pragma once

#include "workload.h"

namespace zc::workloads {

class ReadWrite final : public Workload {
public:
  std::string_view name() const override { return "read_write"; }
  std::string_view summary() const override {
    return "read() the file into a user buffer, write() the buffer to the socket";
  }
  std::vector<std::string_view> claims() const override { return {"read_write"}; }
  void send(const SourceContext &ctx) const override;
};

class MmapWrite final : public Workload {
public:
  std::string_view name() const override { return "mmap_write"; }
  std::string_view summary() const override {
    return "mmap() the file, write() the mapping to the socket chunk by chunk";
  }
  std::vector<std::string_view> claims() const override { return {"mmap_write"}; }
  void send(const SourceContext &ctx) const override;
};

class Sendfile final : public Workload {
public:
  std::string_view name() const override { return "sendfile"; }
  std::string_view summary() const override {
    return "sendfile() from the file to the socket, chunk by chunk";
  }
  std::vector<std::string_view> claims() const override {
    return {"sendfile", "sendfile_dma_gather"};
  }
  void send(const SourceContext &ctx) const override;
};

class Splice final : public Workload {
public:
  std::string_view name() const override { return "splice"; }
  std::string_view summary() const override {
    return "splice() the file into a pipe, then splice() the pipe into the socket";
  }
  std::vector<std::string_view> claims() const override { return {"splice"}; }
  void send(const SourceContext &ctx) const override;
};

} // namespace zc::workloads
