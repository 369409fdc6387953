#include "counters.h"

namespace zc {

std::string role_name(std::uint8_t role) {
  switch (role) {
  case ZC_ROLE_SOURCE:
    return "source";
  case ZC_ROLE_SINK:
    return "sink";
  default:
    return "unattributed";
  }
}

std::string event_kind_name(std::uint16_t kind) {
  switch (kind) {
  case ZC_EV_SYSCALL:
    return "syscall";
  case ZC_EV_PAYLOAD:
    return "payload";
  case ZC_EV_FAULT:
    return "fault";
  case ZC_EV_SWITCH:
    return "switch";
  case ZC_EV_BLOCK:
    return "block";
  case ZC_EV_DMA:
    return "dma";
  case ZC_EV_NET:
    return "net";
  default:
    return "kind_" + std::to_string(kind);
  }
}

} // namespace zc
