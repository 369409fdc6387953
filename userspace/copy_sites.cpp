#include "copy_sites.h"

#include <algorithm>

#include "bpf_abi.h"

namespace zc {

const std::vector<CopySite> &copy_sites() {
  static const std::vector<CopySite> sites = {
      {ZC_SITE_FILEMAP_READ,
       "filemap_read",
       "page cache -> user buffer (read, pread64, readv)",
       "the read syscall's return value",
       "only read-family syscalls copy; sendfile and splice look the same pages up "
       "(filemap_splice_read) and pass references",
       {"copies:mm_filemap_get_pages", "copies:sys_exit"},
       false,
       false},
      {ZC_SITE_TCP_SENDMSG,
       "tcp_sendmsg_locked",
       "send iterator -> skb (user or page-cache pages)",
       "sock_send_length's return",
       "reference when msg_flags has MSG_SPLICE_PAGES (or MSG_ZEROCOPY with SO_ZEROCOPY) and "
       "the route has NETIF_F_SG; otherwise copied, from user or kernel memory by iterator type",
       {"copies:tcp_sendmsg_locked", "copies:sock_send_length"},
       true,
       true},
      {ZC_SITE_SOCK_SENDMSG,
       "sock_sendmsg",
       "send on a socket tcp_sendmsg_locked did not classify",
       "sock_send_length's return",
       "write-family sends copy from user memory; others are left undetermined",
       {"copies:sock_send_length"},
       true,
       false},
      {ZC_SITE_SKB_COPY_DATAGRAM,
       "skb_copy_datagram_iter",
       "skb -> user buffer (recv, read)",
       "the len argument of skb:skb_copy_datagram_iovec",
       "always a copy",
       {"copies:skb_copy_datagram_iovec"},
       true,
       false},
      {ZC_SITE_FILE_WRITE,
       "write_end",
       "user or kernel memory -> page cache (ext4 write_end)",
       "the copied argument of ext4:ext4_(da_)write_end",
       "always a copy; from user memory for write-family syscalls, kernel memory otherwise",
       {"copies:ext4_da_write_end", "copies:ext4_write_end"},
       true,
       false},
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
