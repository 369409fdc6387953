#include <sys/utsname.h>

#include "observation.h"

namespace zc {

KernelInfo running_kernel() {
  struct utsname u {};
  if (uname(&u) != 0)
    return {};
  return {u.release, u.version, u.machine};
}

} // namespace zc
