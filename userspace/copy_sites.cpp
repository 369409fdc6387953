#include "copy_sites.h"

#include <algorithm>

#include "bpf_abi.h"

namespace zc {

const std::vector<CopySite> &copy_sites() {
  static const std::vector<CopySite> sites = {
      {.id = ZC_SITE_FILEMAP_READ,
       .name = "filemap_read",
       .moves = "page cache -> user buffer (read, pread64, readv)",
       .bytes_from = "the read syscall's return value",
       .zero_copy = "only read-family syscalls copy; sendfile and splice look the same pages up "
                    "(filemap_splice_read) and pass references",
       .probes = {"copies:mm_filemap_get_pages", "copies:sys_exit"},
       .bytes_at_site = false},
      {.id = ZC_SITE_TCP_SENDMSG,
       .name = "tcp_sendmsg_locked",
       .moves = "send iterator -> skb (user or page-cache pages)",
       .bytes_from = "sock_send_length's return",
       .zero_copy = "reference when msg_flags has MSG_SPLICE_PAGES (or MSG_ZEROCOPY with "
                    "SO_ZEROCOPY) and the route has NETIF_F_SG; otherwise copied, from user or "
                    "kernel memory by iterator type",
       .probes = {"copies:tcp_sendmsg_locked", "copies:sock_send_length"},
       .sees_references = true,
       .refines_another = true},
      {.id = ZC_SITE_SOCK_SENDMSG,
       .name = "sock_sendmsg",
       .moves = "socket send that tcp_sendmsg_locked did not classify",
       .bytes_from = "sock_send_length's return",
       .zero_copy = "write-family sends copy from user memory; others are left undetermined",
       .probes = {"copies:sock_send_length"}},
      {.id = ZC_SITE_SKB_COPY_DATAGRAM,
       .name = "skb_copy_datagram_iter",
       .moves = "skb -> user buffer (recv, read)",
       .bytes_from = "the len argument of skb:skb_copy_datagram_iovec",
       .zero_copy = "always a copy",
       .probes = {"copies:skb_copy_datagram_iovec"}},
      {.id = ZC_SITE_FILE_WRITE,
       .name = "write_end",
       .moves = "user or kernel memory -> page cache (ext4 write_end)",
       .bytes_from = "the copied argument of ext4:ext4_(da_)write_end",
       .zero_copy = "always a copy; from user memory for write-family syscalls, kernel memory "
                    "otherwise",
       .probes = {"copies:ext4_da_write_end", "copies:ext4_write_end"},
       .probes_are_alternatives = true},
  };
  return sites;
}

const CopySite *find_copy_site(std::uint16_t id) {
  const auto &s = copy_sites();
  auto it = std::find_if(s.begin(), s.end(), [&](const CopySite &c) { return c.id == id; });
  return it == s.end() ? nullptr : &*it;
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
  default:
    return "unknown";
  }
}

} // namespace zc
