#include "run_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "error.h"
#include "output_file.h"

namespace zc {

namespace {

std::optional<unsigned long long> start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text))
    return std::nullopt;
  // The name (field 2) may hold spaces and parentheses: count from the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  for (int i = 3; i < 22 && rest >> field; ++i) {
  }
  unsigned long long start = 0;
  if (!(rest >> start))
    return std::nullopt;
  return start;
}

bool valid_name(const std::string &name) {
  return !name.empty() && name.find('/') == std::string::npos && name[0] != '.';
}

} // namespace

Holder this_process() {
  const pid_t pid = getpid();
  return {pid, start_time(pid).value_or(0)};
}

bool holder_alive(const Holder &h) {
  const auto start = start_time(h.pid);
  return start && *start == h.start;
}

std::string state_dir() {
  const std::string dir = "/run/zctrace";
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw_errno("create " + dir);
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0)
    throw_errno("inspect " + dir);
  if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0)
    throw Error(dir + " must be a folder of its own owned by this user with mode 0700; it is "
                      "not (remove it and run again)");
  return dir;
}

StateLock::StateLock() {
  const std::string path = state_dir() + "/lock";
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0)
    throw_errno("open " + path);
  while (flock(fd_, LOCK_EX) != 0)
    if (errno != EINTR)
      throw_errno("lock " + path);
}

StateLock::~StateLock() {
  if (fd_ >= 0)
    close(fd_); // releases the lock
}

std::optional<std::string> StateRecord::get(const std::string &key) const {
  for (const auto &[k, v] : lines)
    if (k == key)
      return v;
  return std::nullopt;
}

std::vector<Holder> StateRecord::holders() const {
  std::vector<Holder> out;
  for (const auto &[k, v] : lines) {
    if (k != "holder")
      continue;
    std::istringstream in(v);
    Holder h;
    if (in >> h.pid >> h.start)
      out.push_back(h);
  }
  return out;
}

void StateRecord::set_holders(const std::vector<Holder> &holders) {
  lines.erase(
      std::remove_if(lines.begin(), lines.end(), [](const auto &l) { return l.first == "holder"; }),
      lines.end());
  for (const Holder &h : holders)
    lines.emplace_back("holder", std::to_string(h.pid) + " " + std::to_string(h.start));
}

std::optional<StateRecord> read_state(const std::string &name) {
  if (!valid_name(name))
    throw Error("bad state record name '" + name + "'");
  const std::string path = state_dir() + "/" + name;
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return std::nullopt;
    throw_errno("open " + path);
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0)
    text.append(buf, static_cast<std::size_t>(n));
  close(fd);
  StateRecord r;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    if (space != std::string::npos)
      r.lines.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return r;
}

void write_state(const std::string &name, const StateRecord &record) {
  if (!valid_name(name))
    throw Error("bad state record name '" + name + "'");
  std::string text;
  for (const auto &[k, v] : record.lines)
    text += k + " " + v + "\n";
  write_file_atomically(state_dir() + "/" + name, text);
}

void remove_state(const std::string &name) {
  if (!valid_name(name))
    throw Error("bad state record name '" + name + "'");
  const std::string path = state_dir() + "/" + name;
  if (unlink(path.c_str()) != 0 && errno != ENOENT)
    throw_errno("remove " + path);
}

std::vector<std::string> list_state(const std::string &prefix) {
  std::vector<std::string> out;
  const std::string dir = state_dir();
  DIR *d = opendir(dir.c_str());
  if (!d)
    throw_errno("list " + dir);
  while (const dirent *e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind(prefix, 0) == 0 && valid_name(name))
      out.push_back(name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Holder> live_holders(const StateRecord &record, const Holder &except) {
  std::vector<Holder> live;
  for (const Holder &h : record.holders())
    if (!(h == except) && holder_alive(h))
      live.push_back(h);
  return live;
}

std::vector<std::string> drop_unheld(const std::string &prefix) {
  std::vector<std::string> kept;
  for (const std::string &name : list_state(prefix)) {
    const std::optional<StateRecord> rec = read_state(name);
    if (rec && held(*rec))
      kept.push_back(name);
    else
      remove_state(name);
  }
  return kept;
}

} // namespace zc
