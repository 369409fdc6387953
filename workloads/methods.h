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
  std::vector<std::string_view> claims() const override { return {"mmap_write", "rocketmq_kafka"}; }
  void send(const SourceContext &ctx) const override;
};

class Sendfile final : public Workload {
public:
  std::string_view name() const override { return "sendfile"; }
  std::string_view summary() const override {
    return "sendfile() from the file to the socket, chunk by chunk";
  }
  std::vector<std::string_view> claims() const override {
    return {"sendfile", "sendfile_dma_gather", "rocketmq_kafka"};
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

class DirectIo final : public Workload {
public:
  std::string_view name() const override { return "direct_io"; }
  std::string_view summary() const override {
    return "read() the file with O_DIRECT into an aligned buffer, write() it to the socket";
  }
  std::vector<std::string_view> claims() const override { return {"direct_io"}; }
  std::string invalid_parameters(std::uint64_t size, std::uint64_t chunk) const override;
  void send(const SourceContext &ctx) const override;
};

class Tee final : public Workload {
public:
  std::string_view name() const override { return "tee"; }
  std::string_view summary() const override {
    return "splice() the file into a pipe, tee() it into a second pipe, splice() that one to "
           "the socket and the first to /dev/null";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override;
};

class Vmsplice final : public Workload {
public:
  std::string_view name() const override { return "vmsplice"; }
  std::string_view summary() const override {
    return "mmap() the file, vmsplice() its pages into a pipe, splice() the pipe to the socket";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override;
};

class MsgZerocopy final : public Workload {
public:
  std::string_view name() const override { return "msg_zerocopy"; }
  std::string_view summary() const override {
    return "mmap() the file, send() it with MSG_ZEROCOPY, read the completions from the "
           "error queue";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  std::string unavailable_reason() const override;
  void send(const SourceContext &ctx) const override;
};

class IoUringRw final : public Workload {
public:
  std::string_view name() const override { return "io_uring_rw"; }
  std::string_view summary() const override {
    return "io_uring READ of the file into a buffer, then io_uring SEND of the buffer";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  bool uses_io_uring() const override { return true; }
  std::string unavailable_reason() const override;
  void send(const SourceContext &ctx) const override;
};

class IoUringSendZc final : public Workload {
public:
  std::string_view name() const override { return "io_uring_send_zc"; }
  std::string_view summary() const override {
    return "mmap() the file, io_uring SEND_ZC it with IORING_SEND_ZC_REPORT_USAGE";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  bool uses_io_uring() const override { return true; }
  std::string unavailable_reason() const override;
  void send(const SourceContext &ctx) const override;
};

class CopyFileRange final : public Workload {
public:
  std::string_view name() const override { return "copy_file_range"; }
  std::string_view summary() const override {
    return "copy_file_range() the file into another file; the sink reads that file back";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  bool writes_file() const override { return true; }
  bool sends_payload() const override { return false; }
  void send(const SourceContext &ctx) const override;
  Received receive(const SinkContext &ctx) const override;
};

class TcpZerocopyReceive final : public Workload {
public:
  std::string_view name() const override { return "tcp_zerocopy_receive"; }
  std::string_view summary() const override {
    return "mmap() the file and write() it; the sink maps the received pages with "
           "TCP_ZEROCOPY_RECEIVE";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  std::string unavailable_reason() const override;
  std::string invalid_parameters(std::uint64_t size, std::uint64_t chunk) const override;
  void tune_socket(int fd) const override;
  std::vector<KernelSetting> kernel_settings() const override;
  bool loopback_only() const override { return true; }
  void send(const SourceContext &ctx) const override;
  Received receive(const SinkContext &ctx) const override;
};

class Cow final : public Workload {
public:
  std::string_view name() const override { return "cow"; }
  std::string_view summary() const override {
    return "mmap() the file privately and write every page; fork; the child writes every "
           "page again and write()s the mapping to the socket";
  }
  std::vector<std::string_view> claims() const override { return {"cow"}; }
  bool forks() const override { return true; }
  void send(const SourceContext &ctx) const override;
};

} // namespace zc::workloads
