#include "kernel_setting.h"

#include <fstream>
#include <iostream>

#include "error.h"

namespace zc::workloads {

namespace {

std::string read_value(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw Error("cannot read " + path + " (this kernel may not have the setting)");
  std::string v;
  std::getline(in, v);
  return v;
}

void write_value(const std::string &path, const std::string &value) {
  std::ofstream out(path);
  out << value << "\n";
  out.flush();
  if (!out)
    throw Error("cannot write " + value + " to " + path);
}

// "/proc/sys/net/core/x" -> "net.core.x"
std::string sysctl_name(const std::string &path) {
  std::string name = path.rfind("/proc/sys/", 0) == 0 ? path.substr(10) : path;
  for (char &c : name)
    if (c == '/')
      c = '.';
  return name;
}

} // namespace

KernelSettingOverride::KernelSettingOverride(const KernelSetting &setting)
    : setting_(setting), old_(read_value(setting.path)) {
  write_value(setting_.path, setting_.value);
}

KernelSettingOverride::~KernelSettingOverride() {
  try {
    write_value(setting_.path, old_);
  } catch (const std::exception &e) {
    std::cerr << "zctrace: warning: " << e.what() << ": restore " << sysctl_name(setting_.path)
              << "=" << old_ << " by hand" << std::endl;
  }
}

std::string KernelSettingOverride::describe() const {
  return sysctl_name(setting_.path) + "=" + setting_.value + " (was " + old_ + "): " + setting_.why;
}

} // namespace zc::workloads
