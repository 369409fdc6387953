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
  case AttachKind::Derived:
    return "derived";
  }
  return "?";
}

std::string ProbeAlternative::attach_point() const {
  return std::string(attach_kind_name(kind)) + ":" + target;
}

namespace {

ProbeDef tracepoint(std::string family, std::string tp, std::string program, std::string measures,
                    bool required = false) {
  ProbeAlternative alt{AttachKind::TpBtf, tp, {std::move(program)}};
  return ProbeDef{family + ":" + tp, family, std::move(measures), required, {alt}, {}};
}

// A tracepoint whose arguments changed: one program per form, chosen by the
// number of arguments this kernel's tracepoint passes (newest first).
struct TracepointForm {
  std::string program;
  int args;
  std::string bytes_from;
};
ProbeDef tracepoint_forms(std::string family, std::string tp, std::string measures,
                          const std::vector<TracepointForm> &forms) {
  ProbeDef def{family + ":" + tp, family, std::move(measures), false, {}, {}};
  for (const TracepointForm &f : forms) {
    ProbeAlternative alt{AttachKind::TpBtf, tp, {f.program}};
    alt.bytes_from = f.bytes_from;
    alt.args = f.args;
    def.alternatives.push_back(std::move(alt));
  }
  return def;
}

ProbeAlternative fexit(std::string function, std::string program, std::string bytes_from) {
  return {AttachKind::Fexit,  std::move(function),  {std::move(program)}, {}, "",
          EvidenceKind::Site, std::move(bytes_from)};
}

// The derived tier: the syscall's return, for syscalls on fds of one kind.
ProbeAlternative derived(std::string flag, std::string bytes_from) {
  return {AttachKind::Derived,  "sys_exit",      {"zc_sys_exit"},
          {"tp_btf:sys_exit"},  std::move(flag), EvidenceKind::Derived,
          std::move(bytes_from)};
}

ProbeDef site(std::string name, std::string measures, std::vector<std::string> path,
              std::vector<ProbeAlternative> alternatives) {
  return ProbeDef{"copies:" + name,        "copies",       std::move(measures), false,
                  std::move(alternatives), std::move(path)};
}

std::vector<ProbeDef> copy_site_probes() {
  std::vector<ProbeDef> c;
  c.push_back(site(
      "filemap_read", "page cache -> user or kernel buffer (read family)", {"filemap_read"},
      {fexit("filemap_read", "zc_filemap_read_fexit", "filemap_read's return minus already_read"),
       {AttachKind::TpBtf,
        "mm_filemap_get_pages",
        {"zc_filemap_get_pages", "zc_sys_exit"},
        {"tp_btf:sys_exit"},
        "derive_async_reads",
        EvidenceKind::Derived,
        "the read's return, for reads that looked pages up (mm_filemap_get_pages); in other "
        "syscalls, what the task's read accounting grew by (kernel_read: execve); io_uring and "
        "libaio reads, by their requests"},
       derived("derive_filemap_read", "the read's return, on a regular file")}));
  c.push_back(
      site("file_write", "user or kernel buffer -> page cache (write family, splice)",
           {"generic_perform_write"},
           {fexit("generic_perform_write", "zc_file_write_fexit", "generic_perform_write's return"),
            {AttachKind::TpBtf,
             "ext4_da_write_end",
             {"zc_ext4_da_write_end", "zc_ext4_write_end"},
             {"tp_btf:ext4_write_end"},
             "",
             EvidenceKind::Tracepoint,
             "ext4's write_end `copied` argument"},
            derived("derive_file_write", "the write's return, on a regular file")}));
  c.push_back(
      site("tcp_sendmsg_locked", "send buffer -> skb: copied or referenced (TCP)",
           {"tcp_sendmsg_locked"},
           {fexit("tcp_sendmsg_locked", "zc_tcp_sendmsg_fexit", "tcp_sendmsg_locked's return"),
            {AttachKind::TpBtf,
             "tcp_sendmsg_locked",
             {"zc_tcp_sendmsg_locked", "zc_sock_send_length"},
             {"tp_btf:sock_send_length"},
             "",
             EvidenceKind::Tracepoint,
             "sock_send_length's return; copy or reference from tcp_sendmsg_locked"}}));
  c.push_back(
      site("tcp_sendpage", "page references -> skb through ->sendpage (before 6.5)",
           {"do_tcp_sendpages"},
           {fexit("do_tcp_sendpages", "zc_tcp_sendpages_fexit", "do_tcp_sendpages's return")}));
  c.push_back(
      site("sock_sendmsg", "socket sends no TCP site classified", {"sock_sendmsg"},
           {{AttachKind::TpBtf,
             "sock_send_length",
             {"zc_sock_send_length"},
             {},
             "",
             EvidenceKind::Tracepoint,
             "sock_send_length's return"},
            derived("derive_sock_send", "the send's return, less what a TCP site counted")}));
  c.push_back(site(
      "skb_copy_datagram_iter", "skb -> user or kernel buffer (receive)",
      {"skb_copy_datagram_iter"},
      {fexit("skb_copy_datagram_iter", "zc_skb_copy_datagram_fexit",
             "its len argument, when it returns 0"),
       {AttachKind::TpBtf,
        "skb_copy_datagram_iovec",
        {"zc_skb_copy_datagram"},
        {},
        "",
        EvidenceKind::Tracepoint,
        "the tracepoint's len"},
       derived("derive_sock_recv", "the receive's return, less what was counted at the site")}));
  c.push_back(site("pipe_read", "pipe buffer -> user or kernel buffer",
                   {"pipe_read", "anon_pipe_read"},
                   {fexit("pipe_read", "zc_pipe_read_fexit", "pipe_read's return"),
                    fexit("anon_pipe_read", "zc_anon_pipe_read_fexit", "anon_pipe_read's return"),
                    derived("derive_pipe_read", "the read's return, on a pipe")}));
  c.push_back(
      site("pipe_write", "user or kernel buffer -> pipe buffer", {"pipe_write", "anon_pipe_write"},
           {fexit("pipe_write", "zc_pipe_write_fexit", "pipe_write's return"),
            fexit("anon_pipe_write", "zc_anon_pipe_write_fexit", "anon_pipe_write's return"),
            derived("derive_pipe_write", "the write's return, on a pipe")}));
  c.push_back(site("skb_copy_ubufs", "deferred copy of MSG_ZEROCOPY user pages", {"skb_copy_ubufs"},
                   {fexit("skb_copy_ubufs", "zc_skb_copy_ubufs_fexit",
                          "the skb's paged length, when it returns 0")}));
  c.push_back(site(
      "copy_splice_read", "splice read through fresh pages (6.5+)", {"copy_splice_read"},
      {fexit("copy_splice_read", "zc_copy_splice_read_fexit", "copy_splice_read's return"),
       derived("derive_splice_copy", "the splice's or sendfile's return, reading an O_DIRECT or "
                                     "non-page-cache file")}));
  c.push_back(
      site("filemap_splice_read", "page-cache pages into a pipe by reference (6.5+)",
           {"filemap_splice_read"},
           {fexit("filemap_splice_read", "zc_splice_read_fexit", "filemap_splice_read's return"),
            derived("derive_splice_ref",
                    "the splice's or sendfile's return, reading a page-cache file")}));
  c.push_back(site(
      "skb_copy_bits", "in-kernel copies out of skbs", {"skb_copy_bits"},
      {fexit("skb_copy_bits", "zc_skb_copy_bits_fexit", "its len argument, when it returns 0")}));
  c.push_back(site(
      "direct_io", "O_DIRECT transfers between a device and user memory", {"iomap_dio_rw"},
      {fexit("iomap_dio_rw", "zc_iomap_dio_rw_fexit", "iomap_dio_rw's return minus done_before"),
       derived("derive_direct_io", "the read's or write's return, on an O_DIRECT "
                                   "file")}));
  c.push_back(site("tee", "pipe buffers duplicated into another pipe by reference", {},
                   {fexit("do_tee", "zc_do_tee_fexit", "do_tee's return"),
                    derived("derive_tee", "tee's return")}));
  // No tracepoint sits in skb_splice_bits, and how much of an skb was
  // linear (copied) is only known inside it: without fexit, the syscall's
  // return, copy or reference undetermined.
  c.push_back(site("skb_splice_bits",
                   "socket buffers into a pipe (splice from TCP): page fragments by reference, "
                   "linear bytes copied",
                   {"skb_splice_bits"},
                   {fexit("skb_splice_bits", "zc_skb_splice_bits_fexit",
                          "skb_splice_bits's return, split at the end of the skb's linear data"),
                    derived("derive_splice_sock", "splice's return, from a socket")}));
  c.push_back(
      site("vmsplice", "user pages into a pipe by reference (or out of one, copied)", {},
           {derived("derive_vmsplice", "vmsplice's return, by the pipe end it was given")}));
  c.push_back(site("tcp_zerocopy_receive", "received pages mapped into user memory",
                   {"tcp_zerocopy_receive"},
                   {fexit("tcp_zerocopy_receive", "zc_tcp_zerocopy_receive_fexit",
                          "zc->length when it returns 0")}));
  c.push_back(site("copy_file_range", "copy_file_range bytes no copy site saw (shared extents)", {},
                   {derived("derive_copy_file_range",
                            "copy_file_range's return less what the file-write site copied")}));
  // The fault handlers that copy (do_cow_fault, wp_page_copy) are static and
  // inlined on most kernels: the write fault is the evidence.
  c.push_back(site("cow", "copy-on-write of private mappings of the payload file", {},
                   {{AttachKind::TpBtf,
                     "page_fault_user",
                     {"zc_cow_fault_user", "zc_cow_fault_kernel"},
                     {"tp_btf:page_fault_kernel"},
                     "",
                     EvidenceKind::Derived,
                     "4096 bytes per write fault on a private mapping of the payload file"}}));
  return c;
}

} // namespace

const std::vector<ProbeDef> &probe_catalog() {
  static const std::vector<ProbeDef> catalog = [] {
    std::vector<ProbeDef> c;
    // syscalls
    // Classifying a syscall's descriptors is most of its entry's cost:
    // field by field through a helper call each, unless bpf_rdonly_cast
    // makes them plain loads.
    ProbeDef enter = tracepoint("syscalls", "sys_enter", "zc_sys_enter",
                                "syscalls by number; opens the per-thread syscall context", true);
    enter.alternatives.front().also = {"kfunc:bpf_rdonly_cast"};
    enter.alternatives.push_back({AttachKind::TpBtf,
                                  "sys_enter",
                                  {"zc_sys_enter_compat"},
                                  {},
                                  "",
                                  EvidenceKind::Tracepoint});
    c.push_back(enter);
    c.push_back(tracepoint("syscalls", "sys_exit", "zc_sys_exit",
                           "syscall returns: count, returned bytes, errors, time", true));
    c.push_back(tracepoint("syscalls", "sched_process_fork", "zc_process_fork",
                           "follows forks of processes traced with their children"));
    c.push_back(tracepoint("syscalls", "sched_process_exit", "zc_process_exit",
                           "drops the per-thread context of exiting threads"));
    c.push_back(tracepoint("syscalls", "sched_process_exec", "zc_process_exec",
                           "names followed processes by the program they run"));
    // sched
    c.push_back(tracepoint("sched", "sched_switch", "zc_sched_switch",
                           "scheduler switches, voluntary and involuntary", true));
    // signals
    c.push_back(tracepoint("signals", "signal_generate", "zc_signal_generate",
                           "signals the kernel generated for a traced process, by what became "
                           "of them"));
    // faults
    c.push_back(
        tracepoint("faults", "page_fault_user", "zc_fault_user", "page faults taken in user mode"));
    c.push_back(tracepoint("faults", "page_fault_kernel", "zc_fault_kernel",
                           "page faults on user addresses taken in kernel mode (inside syscalls)"));
    // The filemap tracepoints arrived in 6.12; before them, the functions.
    ProbeDef map_pages = tracepoint("faults", "mm_filemap_map_pages", "zc_filemap_map_pages",
                                    "file faults served by fault-around");
    map_pages.alternatives.push_back({AttachKind::Fentry,
                                      "filemap_map_pages",
                                      {"zc_filemap_map_pages_fentry"},
                                      {},
                                      "",
                                      EvidenceKind::Site});
    c.push_back(map_pages);
    ProbeDef fault = tracepoint("faults", "mm_filemap_fault", "zc_filemap_fault",
                                "file faults that reached filemap_fault");
    fault.alternatives.push_back({AttachKind::Fentry,
                                  "filemap_fault",
                                  {"zc_filemap_fault_fentry"},
                                  {},
                                  "",
                                  EvidenceKind::Site});
    c.push_back(fault);
    // copies
    for (auto &p : copy_site_probes())
      c.push_back(std::move(p));
    c.push_back(tracepoint("copies", "sock_recv_length", "zc_sock_recv_length",
                           "bytes each socket receive returned"));
    // io_uring requests' bytes, for their submitter, by kind (and the reads
    // no copy site sizes); the tracepoint's arguments changed between 6.12
    // and 6.18.
    c.push_back(tracepoint_forms(
        "copies", "io_uring_complete", "io_uring requests' bytes as they complete, by kind",
        {{"zc_io_uring_complete", 3, "the completion's res (its cqe)"},
         {"zc_io_uring_complete_args", 7, "the completion's res argument"}}));
    c.push_back(tracepoint("copies", "io_uring_cqe_overflow", "zc_io_uring_cqe_overflow",
                           "io_uring SEND_ZC notifications that found the completion ring full"));
    // block and dma
    c.push_back(tracepoint("block", "block_bio_queue", "zc_block_bio_queue",
                           "bytes of the bios a target queued for a disk (storage bytes)"));
    c.push_back(tracepoint("block", "block_bio_complete", "zc_block_bio_complete",
                           "takes failed bios off again; completions on the event stream"));
    ProbeDef dma_page{"block:dma_map_page",
                      "block",
                      "single-page DMA mappings (dma_map_page_attrs), by device and direction",
                      false,
                      {},
                      {}};
    // dma:dma_map_page was renamed dma:dma_map_phys in 6.18 (same arguments).
    dma_page.alternatives = {{AttachKind::TpBtf, "dma_map_phys", {"zc_dma_map_phys"}},
                             {AttachKind::TpBtf, "dma_map_page", {"zc_dma_map_page"}},
                             {AttachKind::Fentry,
                              "dma_map_page_attrs",
                              {"zc_dma_map_page_fentry"},
                              {},
                              "",
                              EvidenceKind::Site}};
    c.push_back(dma_page);
    ProbeDef dma_sg{"block:dma_map_sg",
                    "block",
                    "scatter-gather DMA mappings, by device and direction",
                    false,
                    {},
                    {}};
    // Without the tracepoint (in __dma_map_sg_attrs), both callers of that
    // static function: dma_map_sg_attrs and dma_map_sgtable (NVMe's).
    dma_sg.alternatives = {{AttachKind::TpBtf, "dma_map_sg", {"zc_dma_map_sg"}},
                           {AttachKind::Fentry,
                            "dma_map_sg_attrs",
                            {"zc_dma_map_sg_fentry", "zc_dma_map_sgtable_fentry"},
                            {"fentry:dma_map_sgtable"},
                            "",
                            EvidenceKind::Site,
                            "the scatterlists of dma_map_sg_attrs and dma_map_sgtable"},
                           {AttachKind::Fentry,
                            "dma_map_sg_attrs",
                            {"zc_dma_map_sg_fentry"},
                            {},
                            "",
                            EvidenceKind::Site,
                            "the scatterlists of dma_map_sg_attrs (not dma_map_sgtable's)"}};
    c.push_back(dma_sg);
    // net
    c.push_back(tracepoint("net", "net_dev_start_xmit", "zc_net_dev_start_xmit",
                           "packets of a target's sockets handed to a net device"));
    ProbeDef queue = tracepoint("net", "net_dev_queue", "zc_net_dev_queue",
                                "paged bytes queued for transmit, against those the driver gets "
                                "(the copy a device without scatter-gather costs)");
    queue.alternatives[0].also = {"tp_btf:net_dev_start_xmit"};
    queue.alternatives[0].evidence = EvidenceKind::Derived;
    queue.alternatives[0].bytes_from =
        "skb->data_len at net_dev_queue minus skb->data_len at net_dev_start_xmit";
    c.push_back(queue);
    c.push_back(tracepoint("net", "inet_sock_set_state", "zc_inet_sock_set_state",
                           "learns which target owns a socket (connect, listen, close)"));
    c.push_back(tracepoint("net", "tcp_destroy_sock", "zc_tcp_destroy_sock",
                           "forgets a socket's owner when the socket is destroyed (its memory "
                           "may be another's socket next)"));
    c.push_back(tracepoint("net", "net_dev_xmit", "zc_net_dev_xmit",
                           "closes the transmit window DMA mappings are attributed to"));
    // Since 2025 the tracepoint also fires for failed attempts, with their
    // error as a third argument; before, only for segments really resent.
    c.push_back(tracepoint_forms(
        "net", "tcp_retransmit_skb", "TCP segments (and their payload bytes) sent again",
        {{"zc_tcp_retransmit_skb_err", 3, "skb->len of segments resent without error"},
         {"zc_tcp_retransmit_skb", 2, "skb->len of segments resent"}}));
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
  static const std::vector<std::string> families = {"syscalls", "sched", "faults", "copies",
                                                    "block",    "net",   "signals"};
  return families;
}

const std::vector<ConfigFlag> &config_flags() {
  static const std::vector<ConfigFlag> flags = {
      {"derive_filemap_read", &zc_config::derive_filemap_read},
      {"derive_file_write", &zc_config::derive_file_write},
      {"derive_sock_send", &zc_config::derive_sock_send},
      {"derive_sock_recv", &zc_config::derive_sock_recv},
      {"derive_pipe_read", &zc_config::derive_pipe_read},
      {"derive_pipe_write", &zc_config::derive_pipe_write},
      {"derive_splice_copy", &zc_config::derive_splice_copy},
      {"derive_splice_ref", &zc_config::derive_splice_ref},
      {"derive_direct_io", &zc_config::derive_direct_io},
      {"derive_tee", &zc_config::derive_tee},
      {"derive_vmsplice", &zc_config::derive_vmsplice},
      {"derive_copy_file_range", &zc_config::derive_copy_file_range},
      {"derive_async_reads", &zc_config::derive_async_reads},
      {"derive_splice_sock", &zc_config::derive_splice_sock},
  };
  return flags;
}

const ConfigFlag *find_config_flag(std::string_view name) {
  for (const ConfigFlag &f : config_flags())
    if (f.name == name)
      return &f;
  return nullptr;
}

} // namespace zc
