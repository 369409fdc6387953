// /run/zctrace: what running zctrace processes hold on this machine (a
// kernel setting one changed, a veth subnet one uses), one record each,
// so that overlapping runs share them and the next zctrace that starts
// undoes what a run killed before its end (SIGKILL, a crash) left. /run is
// emptied at boot, as these records should be.
//
// Every change happens under one lock (flock on /run/zctrace/lock). The
// folder is root's and 0700: nobody else can plant a file or a link in it.
// A holder is a pid and its start time (so a reused pid is not mistaken
// for the process that wrote the record).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace zc {

struct Holder {
  pid_t pid = 0;
  unsigned long long start = 0; // /proc/PID/stat field 22, clock ticks since boot
  bool operator==(const Holder &o) const { return pid == o.pid && start == o.start; }
};

Holder this_process();
bool holder_alive(const Holder &h);

// The folder, made (or checked: root's, 0700, not a link) on first use.
std::string state_dir();

// Exclusive, for as long as the object lives.
class StateLock {
public:
  StateLock();
  ~StateLock();
  StateLock(const StateLock &) = delete;
  StateLock &operator=(const StateLock &) = delete;

private:
  int fd_ = -1;
};

// A record: "key value" lines. Read and written under a StateLock.
struct StateRecord {
  std::vector<std::pair<std::string, std::string>> lines;
  std::optional<std::string> get(const std::string &key) const;
  std::vector<Holder> holders() const;
  void set_holders(const std::vector<Holder> &holders);
};

std::optional<StateRecord> read_state(const std::string &name);
void write_state(const std::string &name, const StateRecord &record);
void remove_state(const std::string &name);
// Names of the records starting with `prefix`.
std::vector<std::string> list_state(const std::string &prefix);
// A record's holders still alive, but `except`.
std::vector<Holder> live_holders(const StateRecord &record, const Holder &except = {});
// Whether a record has a holder still alive.
inline bool held(const StateRecord &record) { return !live_holders(record).empty(); }
// Removes the records starting with `prefix` whose holders are all gone;
// the caller holds the lock. Returns the names of those still held.
std::vector<std::string> drop_unheld(const std::string &prefix);

} // namespace zc
