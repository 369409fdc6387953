// zctrace verify --vmtest: the claims checked inside Debian's 6.1 and 6.12
// kernels, where the payload crosses a (virtio) NIC, so the DMA claims can be
// measured: storage and NIC each move the payload once. Those NICs have no
// scatter-gather, so the stack linearizes every paged byte: splice, which
// the articles credit with no CPU copy, copies once there, and says why.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "documents.h"
#include "subprocess.h"

namespace zc::vmtest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const json &check_of(const json &kernel, const std::string &claim, const std::string &figure) {
  for (const json &c : kernel.at("claims"))
    if (c.at("id") == claim)
      for (const json &ch : c.at("checks"))
        if (ch.at("figure") == figure)
          return ch;
  throw std::runtime_error("no check " + claim + "/" + figure);
}

TEST(Verify, ClaimsInBothDebianKernels) {
  const fs::path dir = fs::temp_directory_path() / ("zctrace-vmverify-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path out = dir / "v.json";
  const ToolResult r = run_tool({ZCTRACE_BINARY, "verify", "--vmtest", "--no-host", "-c",
                                 ZCTRACE_SOURCE_DIR "/vmtest/vmtest.toml", "--size", "8M", "--json",
                                 out.string(), "--out", (dir / "out").string()});
  // The veth routes of the sendfile claims have no NIC: exit 5, not 0.
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  const json doc = zc::test::read_document(out);
  fs::remove_all(dir);
  ASSERT_EQ(doc.at("kernels").size(), 2u);
  for (const json &k : doc.at("kernels")) {
    SCOPED_TRACE(k.at("kernel").get<std::string>());
    const json &dma = check_of(k, "read_write", "dma_copies");
    EXPECT_EQ(dma.at("verdict"), "holds") << dma.dump();
    EXPECT_NEAR(dma.at("measured").at("storage").get<double>(), 1.0, 0.02);
    EXPECT_NEAR(dma.at("measured").at("nic").get<double>(), 1.0, 0.1);
    const json &splice = check_of(k, "splice", "cpu_copies");
    EXPECT_EQ(splice.at("verdict"), "differs");
    EXPECT_NEAR(splice.at("measured").get<double>(), 1.0, 0.02);
    EXPECT_NE(splice.at("why").get<std::string>().find("xmit_linearize"), std::string::npos);
    const json &gather = check_of(k, "sendfile_dma_gather", "cpu_copies");
    EXPECT_EQ(gather.at("verdict"), "holds");
    EXPECT_EQ(check_of(k, "read_write", "cpu_copies").at("verdict"), "differs");
    EXPECT_EQ(check_of(k, "splice", "context_switches").at("verdict"), "differs");
  }
}

// Exit 6 as a script sees it: one claim asked for, every figure of it
// measured across the guest's NIC, and two differing: mmap is called once
// for the file, not once per buffer (2 mode switches per chunk, not 4), and
// the NIC without scatter-gather makes the stack linearize what write()
// copied into paged buffers (2 CPU copies, not 1).
TEST(Verify, OneClaimCheckedWholeThatDiffersExitsSix) {
  const fs::path dir =
      fs::temp_directory_path() / ("zctrace-vmverify6-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path out = dir / "v.json";
  const ToolResult r =
      run_tool({ZCTRACE_BINARY, "verify", "--vmtest", "--no-host", "-c",
                ZCTRACE_SOURCE_DIR "/vmtest/vmtest.toml", "-f", "6\\.12", "--claim", "mmap_write",
                "--size", "8M", "--json", out.string(), "--out", (dir / "out").string()});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("figures differ from the articles (exit 6)"), std::string::npos) << r.err;
  const json doc = zc::test::read_document(out);
  fs::remove_all(dir);
  ASSERT_EQ(doc.at("kernels").size(), 1u);
  const json &k = doc.at("kernels").at(0);
  ASSERT_EQ(k.at("claims").size(), 1u);
  EXPECT_EQ(k.at("claims").at(0).at("id"), "mmap_write");
  for (const json &ch : k.at("claims").at(0).at("checks"))
    EXPECT_NE(ch.at("verdict"), "cannot be measured here") << ch.dump();
  EXPECT_EQ(check_of(k, "mmap_write", "context_switches").at("verdict"), "differs");
  const json &copies = check_of(k, "mmap_write", "cpu_copies");
  EXPECT_EQ(copies.at("verdict"), "differs") << copies.dump();
  EXPECT_NE(copies.at("why").get<std::string>().find("xmit_linearize"), std::string::npos);
  EXPECT_TRUE(doc.at("summary").at("every_claim_checked").get<bool>());
  EXPECT_EQ(doc.at("summary").at("differs"), 2);
}

} // namespace
} // namespace zc::vmtest
