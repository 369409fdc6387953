#include "probe_catalog.h"

#include <algorithm>

namespace zc {

std::string_view attach_kind_name(AttachKind kind) {
  switch (kind) {
  case AttachKind::TpBtf:
    return "tp_btf";
  case AttachKind::Fentry:
    return "fentry";
  case AttachKind::Fexit:
    return "fexit";
  }
  return "?";
}

std::string ProbeAlternative::attach_point() const {
  return std::string(attach_kind_name(kind)) + ":" + target;
}

namespace {

ProbeDef tracepoint(std::string family, std::string tp, std::string program, std::string measures,
                    bool required = false) {
  return ProbeDef{family + ":" + tp,
                  family,
                  std::move(measures),
                  required,
                  {ProbeAlternative{std::move(program), AttachKind::TpBtf, tp}}};
}

} // namespace

const std::vector<ProbeDef> &probe_catalog() {
  static const std::vector<ProbeDef> catalog = [] {
    std::vector<ProbeDef> c;
    // syscalls
    c.push_back(tracepoint("syscalls", "sys_enter", "zc_sys_enter",
                           "syscalls by number; opens the per-thread syscall context", true));
    c.push_back(tracepoint("syscalls", "sys_exit", "zc_sys_exit",
                           "syscall returns: count, returned bytes, errors, time", true));
    c.push_back(tracepoint("syscalls", "sched_process_fork", "zc_process_fork",
                           "follows forks of processes traced with their children"));
    c.push_back(tracepoint("syscalls", "sched_process_exit", "zc_process_exit",
                           "drops the per-thread context of exiting threads"));
    // sched
    c.push_back(tracepoint("sched", "sched_switch", "zc_sched_switch",
                           "scheduler switches, voluntary and involuntary", true));
    // faults
    c.push_back(
        tracepoint("faults", "page_fault_user", "zc_fault_user", "page faults taken in user mode"));
    c.push_back(tracepoint("faults", "page_fault_kernel", "zc_fault_kernel",
                           "page faults on user addresses taken in kernel mode (inside syscalls)"));
    c.push_back(tracepoint("faults", "mm_filemap_map_pages", "zc_filemap_map_pages",
                           "file faults served by fault-around"));
    c.push_back(tracepoint("faults", "mm_filemap_fault", "zc_filemap_fault",
                           "file faults that reached filemap_fault"));
    // copies
    c.push_back(tracepoint("copies", "mm_filemap_get_pages", "zc_filemap_get_pages",
                           "page-cache lookups of read, sendfile and splice"));
    c.push_back(tracepoint("copies", "sys_exit", "zc_copies_sys_exit",
                           "closes read-family copies out of the page cache with their return"));
    c.push_back(tracepoint("copies", "tcp_sendmsg_locked", "zc_tcp_sendmsg_locked",
                           "TCP send: copy or page reference (msg flags, route SG, iterator)"));
    c.push_back(tracepoint("copies", "sock_send_length", "zc_sock_send_length",
                           "bytes each socket send took"));
    c.push_back(tracepoint("copies", "sock_recv_length", "zc_sock_recv_length",
                           "bytes each socket receive returned"));
    c.push_back(tracepoint("copies", "skb_copy_datagram_iovec", "zc_skb_copy_datagram",
                           "receive copies from skbs into the reader's buffer"));
    c.push_back(tracepoint("copies", "ext4_da_write_end", "zc_ext4_da_write_end",
                           "bytes copied into the page cache by ext4 (delayed allocation)"));
    c.push_back(tracepoint("copies", "ext4_write_end", "zc_ext4_write_end",
                           "bytes copied into the page cache by ext4"));
    // block and dma
    c.push_back(tracepoint("block", "block_bio_queue", "zc_block_bio_queue",
                           "records which target queued each bio"));
    c.push_back(tracepoint("block", "block_split", "zc_block_split",
                           "records which target queued the remainder of a split bio"));
    c.push_back(tracepoint("block", "block_rq_issue", "zc_block_rq_issue",
                           "hands a bio's owner to its request"));
    c.push_back(tracepoint("block", "block_rq_complete", "zc_block_rq_complete",
                           "bytes block devices transferred for a target"));
    c.push_back(ProbeDef{"block:dma_map_page",
                         "block",
                         "single-page DMA mappings (dma_map_page_attrs)",
                         false,
                         {{"zc_dma_map_phys", AttachKind::TpBtf, "dma_map_phys"},
                          {"zc_dma_map_page", AttachKind::TpBtf, "dma_map_page"}}});
    c.push_back(tracepoint("block", "dma_map_sg", "zc_dma_map_sg", "scatter-gather DMA mappings"));
    // net
    c.push_back(tracepoint("net", "net_dev_start_xmit", "zc_net_dev_start_xmit",
                           "packets of a target's sockets handed to a net device"));
    c.push_back(tracepoint("net", "inet_sock_set_state", "zc_inet_sock_set_state",
                           "learns which target owns a socket (connect, close)"));
    c.push_back(tracepoint("net", "net_dev_xmit", "zc_net_dev_xmit",
                           "closes the transmit window DMA mappings are attributed to"));
    return c;
  }();
  return catalog;
}

const ProbeDef *find_probe(std::string_view name) {
  const auto &c = probe_catalog();
  auto it = std::find_if(c.begin(), c.end(), [&](const ProbeDef &p) { return p.name == name; });
  return it == c.end() ? nullptr : &*it;
}

const std::vector<std::string> &probe_families() {
  static const std::vector<std::string> families = {"syscalls", "sched", "faults",
                                                    "copies",   "block", "net"};
  return families;
}

} // namespace zc
