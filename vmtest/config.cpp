#include "config.h"

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "error.h"

namespace zc::vmtest {

namespace {

std::string where(const std::string &source, const toml::source_region &at) {
  return source + ":" + std::to_string(at.begin.line);
}

template <typename T>
std::optional<T> get(const toml::table &t, const char *key, const std::string &context) {
  const toml::node *n = t.get(key);
  if (!n)
    return std::nullopt;
  if (auto v = n->value<T>())
    return *v;
  throw UsageError(where(context, n->source()) + ": " + key + " has the wrong type");
}

// An array of strings, or nothing when the key is absent.
std::vector<std::string> strings(const toml::table &t, const char *key, const std::string &source) {
  std::vector<std::string> out;
  const toml::node *n = t.get(key);
  if (!n)
    return out;
  const toml::array *arr = n->as_array();
  if (!arr)
    throw UsageError(where(source, n->source()) + ": " + key + " must be an array of strings");
  for (const auto &e : *arr) {
    auto s = e.value<std::string>();
    if (!s)
      throw UsageError(where(source, e.source()) + ": " + key + " must be an array of strings");
    out.push_back(*s);
  }
  return out;
}

std::filesystem::path resolve(const std::filesystem::path &base, const std::string &p) {
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : base / path;
}

Target parse_target(const toml::table &t, const std::filesystem::path &base,
                    const std::string &source, std::size_t index) {
  Target target;
  const std::string context = source;
  const std::string label = "target " + std::to_string(index + 1);
  auto name = get<std::string>(t, "name", context);
  if (!name)
    throw UsageError(where(source, t.source()) + ": " + label + " has no name");
  target.name = *name;
  auto command = get<std::string>(t, "command", context);
  if (!command)
    throw UsageError(where(source, t.source()) + ": target '" + target.name + "' has no command");
  target.command = *command;
  if (auto k = get<std::string>(t, "kernel", context))
    target.kernel = resolve(base, *k);
  if (auto i = get<std::string>(t, "image", context))
    target.image = resolve(base, *i);
  target.kernel_package = get<std::string>(t, "kernel_package", context);
  if (!target.kernel && !target.image && !target.kernel_package)
    throw UsageError(where(source, t.source()) + ": target '" + target.name +
                     "' has neither kernel nor image (nor kernel_package)");
  target.kernel_args = get<std::string>(t, "kernel_args", context).value_or("");
  if (auto timeout = t.get("timeout")) {
    if (auto v = timeout->value<double>(); v && *v > 0)
      target.timeout_s = *v;
    else
      throw UsageError(where(source, timeout->source()) + ": timeout must be a positive number");
  }
  target.nics = get<bool>(t, "nics", context).value_or(true);
  target.disk_size = get<std::string>(t, "disk_size", context).value_or("1G");
  target.modules = strings(t, "modules", context);
  for (const std::string &program : strings(t, "programs", context)) {
    if (program.empty() || program[0] != '/')
      throw UsageError(where(source, t.source()) + ": programs must be absolute paths, not '" +
                       program + "'");
    target.programs.emplace_back(program);
  }
  if (const toml::node *vm = t.get("vm")) {
    const toml::table *vt = vm->as_table();
    if (!vt)
      throw UsageError(where(source, vm->source()) + ": vm must be a table");
    if (auto cpus = get<std::int64_t>(*vt, "num_cpus", context)) {
      if (*cpus < 1 || *cpus > 255)
        throw UsageError(where(source, vt->source()) + ": num_cpus must be between 1 and 255");
      target.vm.num_cpus = static_cast<int>(*cpus);
    }
    target.vm.memory = get<std::string>(*vt, "memory", context).value_or(target.vm.memory);
    target.vm.extra_args = strings(*vt, "extra_args", context);
  }
  return target;
}

} // namespace

Config parse_config(std::string_view text, const std::filesystem::path &base,
                    const std::string &source_name) {
  toml::table doc;
  try {
    doc = toml::parse(text, source_name);
  } catch (const toml::parse_error &e) {
    throw UsageError(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                     std::string(e.description()));
  }
  Config config;
  const toml::node *targets = doc.get("target");
  const toml::array *arr = targets ? targets->as_array() : nullptr;
  if (!arr || arr->empty())
    throw UsageError(source_name + ": no [[target]] in it");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::table *t = (*arr)[i].as_table();
    if (!t)
      throw UsageError(source_name + ": target " + std::to_string(i + 1) + " is not a table");
    config.targets.push_back(parse_target(*t, base, source_name, i));
  }
  for (std::size_t i = 0; i < config.targets.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (config.targets[i].name == config.targets[j].name)
        throw UsageError(source_name + ": two targets are named '" + config.targets[i].name + "'");
  return config;
}

Config load_config(const std::filesystem::path &file) {
  std::ifstream in(file);
  if (!in)
    throw UsageError("cannot read " + file.string() + ": " + errno_text(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::filesystem::path base = std::filesystem::absolute(file).parent_path();
  Config c = parse_config(ss.str(), base, file.string());
  c.file = file;
  return c;
}

std::vector<const Target *> select_targets(const Config &config, const std::string &regex) {
  std::regex re;
  try {
    re = std::regex(regex);
  } catch (const std::regex_error &e) {
    throw UsageError("bad target filter '" + regex + "': " + e.what());
  }
  std::vector<const Target *> out;
  std::string names;
  for (const Target &t : config.targets) {
    names += (names.empty() ? "" : ", ") + t.name;
    if (std::regex_search(t.name, re))
      out.push_back(&t);
  }
  if (out.empty())
    throw UsageError("no target in " + config.file.string() + " matches '" + regex +
                     "' (targets: " + names + ")");
  return out;
}

} // namespace zc::vmtest
