// The copy sites zctrace watches: where payload bytes move, how their byte
// count is read, how a copy is told apart from a page-reference hand-off,
// and which probes give the evidence.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zc {

struct CopySite {
  std::uint16_t id; // ZC_SITE_* of bpf/zctrace.h
  std::string name;
  std::string moves;               // what goes where
  std::string bytes_from;          // how the byte count is read
  std::string zero_copy;           // how a reference hand-off is told apart from a copy
  std::vector<std::string> probes; // probe names (probe_catalog) the site needs
  // Any one of `probes` suffices (alternative tracepoints of one site).
  bool probes_are_alternatives = false;
  // The byte count is read at the site itself; otherwise it is the
  // syscall's return value (evidence "derived").
  bool bytes_at_site = true;
  // The site tells a page-reference hand-off from a copy, so its silence is
  // evidence that there was none.
  bool sees_references = false;
  // The site only refines what another site already counts (which of a
  // socket send's bytes were copied): totals are complete without it.
  bool refines_another = false;
};

const std::vector<CopySite> &copy_sites();
const CopySite *find_copy_site(std::uint16_t id);

// "user->kernel", "kernel->user", "kernel->kernel", "by reference", "unknown".
std::string direction_name(std::uint8_t dir);

} // namespace zc
