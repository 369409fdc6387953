#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "bpf_abi.h"
#include "copy_sites.h"
#include "probe_catalog.h"
#include "syscall_names.h"

namespace zc {
namespace {

TEST(ProbeCatalog, EveryProbeBelongsToAKnownFamilyWithUniquePrograms) {
  const auto &families = probe_families();
  std::set<std::string> names, programs;
  for (const ProbeDef &p : probe_catalog()) {
    EXPECT_NE(std::find(families.begin(), families.end(), p.family), families.end()) << p.name;
    EXPECT_EQ(p.name.rfind(p.family + ":", 0), 0u) << p.name;
    EXPECT_TRUE(names.insert(p.name).second) << "duplicate " << p.name;
    EXPECT_FALSE(p.alternatives.empty()) << p.name;
    for (const auto &alt : p.alternatives)
      EXPECT_TRUE(programs.insert(p.family + "/" + alt.program).second) << alt.program;
  }
}

TEST(ProbeCatalog, AccountCannotBeBuiltWithoutSyscallsAndSwitches) {
  for (const char *name : {"syscalls:sys_enter", "syscalls:sys_exit", "sched:sched_switch"}) {
    const ProbeDef *p = find_probe(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_TRUE(p->required) << name;
  }
  EXPECT_EQ(probe_families().front(), "syscalls"); // creates the shared maps
}

TEST(CopySites, EveryEvidenceProbeIsInTheCatalog) {
  std::set<std::uint16_t> ids;
  for (const CopySite &site : copy_sites()) {
    EXPECT_TRUE(ids.insert(site.id).second) << site.name;
    EXPECT_FALSE(site.probes.empty()) << site.name;
    for (const auto &probe : site.probes)
      EXPECT_NE(find_probe(probe), nullptr) << site.name << " cites " << probe;
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(ZC_SITE_MAX - 1));
  EXPECT_EQ(direction_name(ZC_DIR_REFERENCE), "by reference");
  EXPECT_EQ(direction_name(ZC_DIR_USER_TO_KERNEL), "user->kernel");
}

TEST(SyscallNames, FromTheX86_64Table) {
  EXPECT_EQ(syscall_name(0), "read");
  EXPECT_EQ(syscall_name(1), "write");
  EXPECT_EQ(syscall_name(40), "sendfile");
  EXPECT_EQ(syscall_name(275), "splice");
  EXPECT_EQ(syscall_name(231), "exit_group");
  EXPECT_EQ(syscall_name(9999), "syscall_9999");
  EXPECT_TRUE(syscall_returns_bytes(0));
  EXPECT_TRUE(syscall_returns_bytes(275));
  EXPECT_FALSE(syscall_returns_bytes(9));   // mmap returns an address
  EXPECT_FALSE(syscall_returns_bytes(307)); // sendmmsg returns a message count
}

} // namespace
} // namespace zc
