// The copy sites: where payload bytes move, in which direction, how a copy
// is told apart from a page-reference hand-off, and the probe (with its
// alternatives: fexit, tracepoints, syscall returns) that watches each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evidence.h"
#include "probe_report.h"

namespace zc {

struct CopySite {
  std::uint16_t id; // ZC_SITE_* of bpf/zctrace.h
  std::string name;
  std::string probe;     // its probe in probe_catalog ("copies:filemap_read")
  std::string direction; // which way bytes move
  std::string zero_copy; // how a reference hand-off is told apart from a copy
  // The site can copy (a site that only ever passes references cannot hide
  // a CPU copy, so CPU-copy totals do not need it watched).
  bool may_copy = true;
  // Payload handed to the network stack by page reference shows up here:
  // such bytes make `by_reference`, the articles' "DMA gather"; that total
  // needs every such site watched.
  bool socket_handoff = false;
  // Its by-reference rows count in `by_reference` (the socket hand-offs,
  // pages mapped to a receiver, extents a filesystem shared) rather than
  // being a step on the way (page references into a pipe).
  bool in_by_reference = false;
  // Only refines what another site counts (which of a TCP send's bytes were
  // copied): totals are complete without it, though less precise.
  bool refines_another = false;
  // Copies the kernel makes for its own reasons (checksums, collapses): counted
  // when watched, but no method's payload pass depends on them.
  bool incidental = false;
  // Only ever copies bytes a MSG_ZEROCOPY send handed over by reference.
  bool follows_zerocopy = false;
  // On kernels without this site's code path, its rows come from this probe
  // instead (before 6.5, splice reads went through filemap_read).
  std::string fallback_probe;
  // Where nothing watches the site, the kernel's own answer to the workload
  // may tell its bytes: this reported figure ("zerocopy.copied_bytes"),
  // moved in direction reported_dir (evidence "reported").
  std::string reported_as;
  std::uint8_t reported_dir = 0;
  // The reported bytes include copies this other site was seen making (a
  // MSG_ZEROCOPY send linearized for a device without scatter-gather is
  // reported copied too): those are taken off.
  std::uint16_t reported_overlaps = 0;
  // Only a workload that asks for this kernel service reaches the site, and
  // such a workload reports it: unwatched and unreported, it is not needed.
  bool only_when_reported = false;
};

const std::vector<CopySite> &copy_sites();

// What watches a copy site on this kernel, or why nothing does.
struct SiteState {
  enum State { Watched, Unwatched, Absent } state = Unwatched;
  Evidence evidence; // the probe's, when watched; the reason otherwise
};
SiteState site_state(const ProbeIndex &probes, const CopySite &site);
const CopySite *find_copy_site(std::uint16_t id);

// "user->kernel", "kernel->user", "kernel->kernel", "by reference", "by the
// device", "unknown".
std::string direction_name(std::uint8_t dir);

} // namespace zc
