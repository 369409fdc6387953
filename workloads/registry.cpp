#include <algorithm>

#include "methods.h"
#include "workload.h"

namespace zc::workloads {

const std::vector<const Workload *> &all_workloads() {
  static const ReadWrite read_write;
  static const MmapWrite mmap_write;
  static const Sendfile sendfile;
  static const Splice splice;
  static const DirectIo direct_io;
  static const Tee tee;
  static const Vmsplice vmsplice;
  static const MsgZerocopy msg_zerocopy;
  static const IoUringRw io_uring_rw;
  static const IoUringSendZc io_uring_send_zc;
  static const CopyFileRange copy_file_range;
  static const TcpZerocopyReceive tcp_zerocopy_receive;
  static const Cow cow;
  // The seeds' rows first, then the rest.
  static const std::vector<const Workload *> all = {&read_write,
                                                    &mmap_write,
                                                    &sendfile,
                                                    &splice,
                                                    &direct_io,
                                                    &tee,
                                                    &vmsplice,
                                                    &msg_zerocopy,
                                                    &io_uring_rw,
                                                    &io_uring_send_zc,
                                                    &copy_file_range,
                                                    &tcp_zerocopy_receive,
                                                    &cow};
  return all;
}

const Workload *find_workload(std::string_view name) {
  const auto &all = all_workloads();
  auto it =
      std::find_if(all.begin(), all.end(), [&](const Workload *w) { return w->name() == name; });
  return it == all.end() ? nullptr : *it;
}

std::vector<std::string> workload_names() {
  std::vector<std::string> names;
  for (const Workload *w : all_workloads())
    names.emplace_back(w->name());
  return names;
}

} // namespace zc::workloads
