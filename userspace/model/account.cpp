#include "account.h"

namespace zc {

std::string evidence_kind_name(EvidenceKind kind) {
  switch (kind) {
  case EvidenceKind::Site:
    return "site";
  case EvidenceKind::Tracepoint:
    return "tracepoint";
  case EvidenceKind::Derived:
    return "derived";
  case EvidenceKind::Rusage:
    return "rusage";
  case EvidenceKind::Clock:
    return "clock";
  case EvidenceKind::Reported:
    return "reported";
  case EvidenceKind::Unavailable:
    return "unavailable";
  }
  return "unavailable";
}

} // namespace zc
