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
    // Alternatives of one probe are exclusive and may share a program; two
    // probes may not (it would be attached twice).
    std::set<std::string> own;
    for (const auto &alt : p.alternatives) {
      EXPECT_FALSE(alt.programs.empty()) << p.name << " " << alt.attach_point();
      // The derived tier rides on the syscall family's exit program.
      if (alt.kind == AttachKind::Derived) {
        EXPECT_FALSE(alt.config_flag.empty()) << p.name;
        EXPECT_NE(find_config_flag(alt.config_flag), nullptr) << alt.config_flag;
        continue;
      }
      for (const auto &program : alt.programs)
        if (program != "zc_sys_exit" && program != "zc_sock_send_length")
          own.insert(p.family + "/" + program);
    }
    for (const auto &program : own)
      EXPECT_TRUE(programs.insert(program).second) << program;
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

TEST(CopySites, EverySiteHasItsProbeAndTheSitesComeFirstThenTracepoints) {
  std::set<std::uint16_t> ids;
  for (const CopySite &site : copy_sites()) {
    EXPECT_TRUE(ids.insert(site.id).second) << site.name;
    const ProbeDef *probe = find_probe(site.probe);
    ASSERT_NE(probe, nullptr) << site.name << " cites " << site.probe;
    // fentry/fexit first, then tracepoints, then the derived tier.
    int last = 0;
    for (const auto &alt : probe->alternatives) {
      const int rank = alt.kind == AttachKind::Fexit || alt.kind == AttachKind::Fentry ? 0
                       : alt.kind == AttachKind::TpBtf                                 ? 1
                                                                                       : 2;
      EXPECT_GE(rank, last) << site.probe << " " << alt.attach_point();
      last = rank;
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(ZC_SITE_MAX - 1));
  EXPECT_EQ(direction_name(ZC_DIR_REFERENCE), "by reference");
  EXPECT_EQ(direction_name(ZC_DIR_USER_TO_KERNEL), "user->kernel");
  EXPECT_EQ(direction_name(ZC_DIR_DEVICE), "by the device");
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
