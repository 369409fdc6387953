#include "kernel_setting.h"

#include <fstream>
#include <iostream>

#include "error.h"
#include "run_state.h"

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
  if (path.rfind("/proc/sys/", 0) != 0 || path.find("..") != std::string::npos)
    throw Error("not a kernel setting: " + path);
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

std::string record_name(const std::string &path) { return "sysctl." + sysctl_name(path); }

} // namespace

KernelSettingOverride::KernelSettingOverride(const KernelSetting &setting) : setting_(setting) {
  const StateLock lock;
  const std::string name = record_name(setting.path);
  std::optional<StateRecord> rec = read_state(name);
  std::vector<Holder> holders;
  if (rec && rec->get("original")) {
    holders = live_holders(*rec);
    if (!holders.empty() && rec->get("value") != setting.value)
      throw Error("another zctrace run (pid " + std::to_string(holders.front().pid) + ") holds " +
                  sysctl_name(setting.path) + "=" + rec->get("value").value_or("?") +
                  "; this method needs " + setting.value);
    old_ = *rec->get("original"); // what the first holder found
  } else {
    old_ = read_value(setting.path);
    rec = StateRecord{{{"path", setting.path}, {"original", old_}, {"value", setting.value}}};
  }
  holders.push_back(this_process());
  rec->set_holders(holders);
  write_state(name, *rec); // recorded before it is changed
  write_value(setting.path, setting.value);
}

KernelSettingOverride::~KernelSettingOverride() {
  try {
    const StateLock lock;
    const std::string name = record_name(setting_.path);
    std::optional<StateRecord> rec = read_state(name);
    const std::vector<Holder> others =
        rec ? live_holders(*rec, this_process()) : std::vector<Holder>{};
    if (!others.empty()) {
      rec->set_holders(others); // the last one out restores it
      write_state(name, *rec);
      return;
    }
    write_value(setting_.path, old_);
    remove_state(name);
  } catch (const std::exception &e) {
    std::cerr << "zctrace: warning: " << zc::describe(e).message << ": restore "
              << sysctl_name(setting_.path) << "=" << old_ << " by hand" << std::endl;
  }
}

int KernelSettingOverride::repair_left_behind() {
  const StateLock lock;
  int repaired = 0;
  for (const std::string &name : list_state("sysctl.")) {
    const std::optional<StateRecord> rec = read_state(name);
    if (!rec || held(*rec))
      continue;
    const auto path = rec->get("path");
    const auto original = rec->get("original");
    if (path && original) {
      write_value(*path, *original);
      std::cerr << "zctrace: restored " << sysctl_name(*path) << "=" << *original
                << ", left changed by a zctrace run that ended without restoring it\n";
      ++repaired;
    }
    remove_state(name);
  }
  return repaired;
}

std::string KernelSettingOverride::describe() const {
  return sysctl_name(setting_.path) + "=" + setting_.value + " (was " + old_ + "): " + setting_.why;
}

} // namespace zc::workloads
