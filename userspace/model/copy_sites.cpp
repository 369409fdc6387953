#include "copy_sites.h"

#include <algorithm>

#include "bpf_abi.h"

namespace zc {

const std::vector<CopySite> &copy_sites() {
  static const std::vector<CopySite> sites = {
      {.id = ZC_SITE_FILEMAP_READ,
       .name = "filemap_read",
       .probe = "copies:filemap_read",
       .direction = "kernel->user (read), kernel->kernel (kernel iterators)",
       .zero_copy = "a copy, except into a pipe (splice reads before 6.5), which takes page "
                    "references: counted as splice_read"},
      {.id = ZC_SITE_FILE_WRITE,
       .name = "file_write",
       .probe = "copies:file_write",
       .direction = "user->kernel (write), kernel->kernel (splice into a file)",
       .zero_copy = "always a copy"},
      {.id = ZC_SITE_TCP_SENDMSG,
       .name = "tcp_sendmsg_locked",
       .probe = "copies:tcp_sendmsg_locked",
       .direction = "user->kernel (send), kernel->kernel (sendfile or splice without SG)",
       .zero_copy = "by reference when msg_flags has MSG_SPLICE_PAGES (or MSG_ZEROCOPY with "
                    "SO_ZEROCOPY or an io_uring ubuf) and the route has NETIF_F_SG",
       .socket_handoff = true,
       .in_by_reference = true,
       .refines_another = true},
      {.id = ZC_SITE_TCP_ZEROCOPY,
       .name = "tcp_sendmsg_locked (MSG_ZEROCOPY)",
       .probe = "copies:tcp_sendmsg_locked",
       .direction = "user pages referenced by skbs",
       .zero_copy = "by reference; the kernel may copy later (skb_copy_ubufs) and says so in "
                    "the completion",
       .may_copy = false,
       .socket_handoff = true,
       .in_by_reference = true},
      {.id = ZC_SITE_TCP_SENDPAGE,
       .name = "tcp_sendpage",
       .probe = "copies:tcp_sendpage",
       .direction = "page-cache pages referenced by skbs (sendfile, splice before 6.5)",
       .zero_copy = "always by reference: only reached when the route has NETIF_F_SG",
       .may_copy = false,
       .socket_handoff = true,
       .in_by_reference = true},
      {.id = ZC_SITE_SOCK_SENDMSG,
       .name = "sock_sendmsg",
       .probe = "copies:sock_sendmsg",
       .direction = "user->kernel (write-family sends); unknown for sendfile and splice",
       .zero_copy = "cannot tell: bytes of sendfile and splice stay undetermined"},
      {.id = ZC_SITE_SKB_COPY_DATAGRAM,
       .name = "skb_copy_datagram_iter",
       .probe = "copies:skb_copy_datagram_iter",
       .direction = "kernel->user (recv, read on a socket)",
       .zero_copy = "always a copy"},
      {.id = ZC_SITE_PIPE_READ,
       .name = "pipe_read",
       .probe = "copies:pipe_read",
       .direction = "kernel->user (read from a pipe)",
       .zero_copy = "always a copy (splice out of a pipe does not come here)"},
      {.id = ZC_SITE_PIPE_WRITE,
       .name = "pipe_write",
       .probe = "copies:pipe_write",
       .direction = "user->kernel (write to a pipe)",
       .zero_copy = "always a copy (vmsplice does not come here)"},
      {.id = ZC_SITE_SKB_COPY_UBUFS,
       .name = "skb_copy_ubufs",
       .probe = "copies:skb_copy_ubufs",
       .direction = "kernel->kernel: user pages of a MSG_ZEROCOPY skb into kernel pages",
       .zero_copy = "always a copy (the deferred one: before an skb is delivered to a local "
                    "socket, or sent where user pages cannot go)",
       .follows_zerocopy = true,
       .reported_as = "zerocopy.copied_bytes",
       .reported_dir = ZC_DIR_KERNEL_TO_KERNEL,
       .reported_overlaps = ZC_SITE_XMIT_LINEARIZE},
      {.id = ZC_SITE_COPY_SPLICE_READ,
       .name = "copy_splice_read",
       .probe = "copies:copy_splice_read",
       .direction = "kernel->kernel into fresh pipe pages",
       .zero_copy = "by the device when the file is O_DIRECT (DMA into the pages)"},
      {.id = ZC_SITE_SPLICE_READ,
       .name = "splice_read",
       .probe = "copies:filemap_splice_read",
       .direction = "page-cache pages into a pipe",
       .zero_copy = "always by reference",
       .may_copy = false,
       .fallback_probe = "copies:filemap_read"},
      {.id = ZC_SITE_SKB_COPY_BITS,
       .name = "skb_copy_bits",
       .probe = "copies:skb_copy_bits",
       .direction = "kernel->kernel out of an skb",
       .zero_copy = "always a copy",
       .incidental = true},
      {.id = ZC_SITE_DIRECT_IO,
       .name = "direct_io",
       .probe = "copies:direct_io",
       .direction = "between the device and user memory (O_DIRECT)",
       .zero_copy = "the device moves the bytes (DMA): no CPU copy, no page cache",
       .may_copy = false},
      {.id = ZC_SITE_SKB_SPLICE,
       .name = "skb_splice_bits",
       .probe = "copies:skb_splice_bits",
       .direction = "socket buffers into a pipe (splice from a TCP socket)",
       .zero_copy = "page fragments by reference, linear bytes copied into a page "
                    "(linear_to_page), told apart at fexit; from the syscall's return alone "
                    "it stays undetermined"},
      {.id = ZC_SITE_TEE,
       .name = "tee",
       .probe = "copies:tee",
       .direction = "pipe buffers into a second pipe",
       .zero_copy = "always by reference",
       .may_copy = false},
      {.id = ZC_SITE_VMSPLICE,
       .name = "vmsplice",
       .probe = "copies:vmsplice",
       .direction = "user pages into a pipe; out of a pipe into user memory",
       .zero_copy = "by reference into a pipe (the user's pages themselves); a copy out of one"},
      {.id = ZC_SITE_COW,
       .name = "copy_on_write",
       .probe = "copies:cow",
       .direction = "kernel->kernel: a page-cache or shared page into a private page, on a "
                    "write fault",
       .zero_copy = "always a copy"},
      {.id = ZC_SITE_TCP_ZC_RECEIVE,
       .name = "tcp_zerocopy_receive",
       .probe = "copies:tcp_zerocopy_receive",
       .direction = "received pages mapped into the receiver's address space",
       .zero_copy = "always by reference (the rest is read(), a copy counted at "
                    "skb_copy_datagram_iter)",
       .may_copy = false,
       .in_by_reference = true,
       .reported_as = "zc_receive.mapped_bytes",
       .reported_dir = ZC_DIR_REFERENCE,
       .only_when_reported = true},
      {.id = ZC_SITE_XMIT_LINEARIZE,
       .name = "xmit_linearize",
       .probe = "net:net_dev_queue",
       .direction = "kernel->kernel: paged skb data into linear buffers before the driver "
                    "(GSO segmentation or linearizing for a device without scatter-gather)",
       .zero_copy = "always a copy"},
      {.id = ZC_SITE_SHARED_EXTENTS,
       .name = "copy_file_range (no copy)",
       .probe = "copies:copy_file_range",
       .direction = "file to file with no copy seen: extents shared (reflink) or the copy "
                    "offloaded",
       .zero_copy = "no CPU copy: the filesystem shared the blocks",
       .may_copy = false,
       .in_by_reference = true},
  };
  return sites;
}

const CopySite *find_copy_site(std::uint16_t id) {
  const auto &s = copy_sites();
  auto it = std::find_if(s.begin(), s.end(), [&](const CopySite &c) { return c.id == id; });
  return it == s.end() ? nullptr : &*it;
}

SiteState site_state(const ProbeIndex &probes, const CopySite &site) {
  const ProbeReport *r = probes.find(site.probe);
  if (r && !r->path_present && !site.fallback_probe.empty()) {
    CopySite through = site;
    through.probe = site.fallback_probe;
    through.fallback_probe.clear();
    return site_state(probes, through);
  }
  if (r && !r->path_present)
    return {SiteState::Absent, {EvidenceKind::Unavailable, {}, "the kernel has no such code path"}};
  if (!r || !r->attached)
    return {SiteState::Unwatched,
            {EvidenceKind::Unavailable,
             {},
             site.probe + " is not attached" + (r && !r->reason.empty() ? ": " + r->reason : "")}};
  return {SiteState::Watched,
          {r->evidence,
           {r->via},
           site.direction + "; bytes: " + r->bytes_from + "; " + site.zero_copy}};
}

std::string direction_name(std::uint8_t dir) {
  switch (dir) {
  case ZC_DIR_USER_TO_KERNEL:
    return "user->kernel";
  case ZC_DIR_KERNEL_TO_USER:
    return "kernel->user";
  case ZC_DIR_KERNEL_TO_KERNEL:
    return "kernel->kernel";
  case ZC_DIR_REFERENCE:
    return "by reference";
  case ZC_DIR_DEVICE:
    return "by the device";
  default:
    return "unknown";
  }
}

} // namespace zc
