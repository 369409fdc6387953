#include "vm_session.h"

#include <filesystem>

namespace zc {

namespace fs = std::filesystem;

namespace {

fs::path config_path(const VmOptions &o) {
  if (!o.config.empty())
    return o.config;
  return fs::exists("vmtest.toml") ? fs::path("vmtest.toml") : fs::path("vmtest/vmtest.toml");
}

} // namespace

VmSession open_session(const VmOptions &o) {
  VmSession s;
  s.config = vmtest::load_config(config_path(o));
  s.targets = vmtest::select_targets(s.config, o.filter);
  s.runner.cache_dir = o.cache_dir.empty() ? vmtest::default_cache_dir() : fs::path(o.cache_dir);
  s.runner.out_dir = o.out_dir;
  s.runner.guest_zctrace =
      o.guest_zctrace.empty() ? vmtest::default_guest_zctrace() : fs::path(o.guest_zctrace);
  s.runner.kvm = o.kvm;
  s.runner.timeout_s = o.timeout_s;
  s.cache = std::make_unique<vmtest::KernelCache>(s.runner.cache_dir);
  return s;
}

} // namespace zc
