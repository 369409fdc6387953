#include "initramfs.h"

#include <elf.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "cpio.h"
#include "error.h"
#include "subprocess.h"

namespace zc {
extern const std::string_view kGuestInit;
}

namespace zc::vmtest {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    throw Error("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Module names treat '-' and '_' alike.
std::string module_key(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// "virtio_net" from ".../virtio_net.ko.xz".
std::string module_name(const fs::path &file) {
  std::string name = file.filename().string();
  return module_key(name.substr(0, name.find(".ko")));
}

std::string decompressed(const fs::path &file) {
  const std::string name = file.filename().string();
  auto tool = [&](const char *t) {
    return run_tool_checked({t, "-dc", file.string()}, "cannot decompress " + name).out;
  };
  if (name.ends_with(".ko.xz"))
    return tool("xz");
  if (name.ends_with(".ko.zst"))
    return tool("zstd");
  if (name.ends_with(".ko.gz"))
    return tool("gzip");
  return read_file(file);
}

struct ModuleIndex {
  std::map<std::string, fs::path> files; // name -> file
  std::set<std::string> builtin;
};

ModuleIndex index_modules(const fs::path &dir) {
  ModuleIndex idx;
  for (const auto &e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().find(".ko") != std::string::npos)
      idx.files[module_name(e.path())] = e.path();
  std::ifstream builtin(dir / "modules.builtin");
  for (std::string line; std::getline(builtin, line);)
    idx.builtin.insert(module_name(line));
  return idx;
}

std::vector<std::string> depends_of(const fs::path &file) {
  const std::string out =
      run_tool_checked({"modinfo", "-F", "depends", file.string()}, "modinfo " + file.string()).out;
  std::vector<std::string> deps;
  std::istringstream in(out);
  for (std::string d; std::getline(in, d, ',');) {
    d.erase(std::remove_if(d.begin(), d.end(), ::isspace), d.end());
    if (!d.empty())
      deps.push_back(module_key(d));
  }
  return deps;
}

// The host's own dynamic loader: asked to list a program's libraries, it
// runs nothing of the program (ldd may hand it to the program's own
// interpreter, which zctrace, as root, must not run).
constexpr const char *kHostLoader = "/lib64/ld-linux-x86-64.so.2";

// The shared libraries a dynamic program loads, and its interpreter, as
// the host's loader resolves them (absolute paths); none for a static one.
std::vector<std::string> libraries_of(const fs::path &program) {
  std::vector<std::string> libs;
  if (is_static_executable(program))
    return libs;
  const ToolResult r = run_tool({kHostLoader, "--list", program.string()});
  if (r.exit_code != 0)
    throw Error("cannot list the libraries of " + program.string() + " (" + kHostLoader +
                " --list): " + r.last_line());
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    // "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or
    // "\t/lib64/ld-linux-x86-64.so.2 (0x...)"; "linux-vdso.so.1 (0x...)" is
    // the kernel's.
    const auto arrow = line.find("=> ");
    std::string path = arrow != std::string::npos ? line.substr(arrow + 3) : line;
    path.erase(0, path.find_first_not_of(" \t"));
    path = path.substr(0, path.find(' '));
    if (path.rfind("/", 0) == 0)
      libs.push_back(path);
    else if (arrow != std::string::npos)
      throw Error(program.string() + " needs a library the loader cannot find: " + line);
  }
  return libs;
}

// A file placed at its own absolute path in the archive, its folders first.
void place_at_own_path(CpioWriter &cpio, std::set<std::string> &placed, const std::string &path,
                       std::uint32_t mode) {
  const std::string rel = path.substr(1);
  for (auto slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1))
    if (placed.insert(rel.substr(0, slash)).second)
      cpio.directory(rel.substr(0, slash));
  if (placed.insert(rel).second)
    cpio.file(rel, read_file(path), mode);
}

} // namespace

bool is_static_executable(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr eh{};
  if (!in.read(reinterpret_cast<char *>(&eh), sizeof(eh)) ||
      std::string_view(reinterpret_cast<char *>(eh.e_ident), 4) != ELFMAG ||
      eh.e_ident[EI_CLASS] != ELFCLASS64)
    return false;
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(
        static_cast<std::streamoff>(eh.e_phoff + static_cast<std::uint64_t>(i) * eh.e_phentsize));
    if (!in.read(reinterpret_cast<char *>(&ph), sizeof(ph)))
      return false;
    if (ph.p_type == PT_INTERP)
      return false;
  }
  return true;
}

InitramfsContents build_initramfs(const GuestImage &image, const fs::path &out) {
  for (const auto &[what, path] : {std::pair{"busybox", image.busybox}, {"zctrace", image.zctrace}})
    if (!is_static_executable(path))
      throw Error(std::string("the guest's ") + what + " (" + path.string() +
                  ") is missing or not statically linked" +
                  (std::string(what) == "busybox" ? ": install Debian's busybox-static" : ""));

  CpioWriter cpio;
  std::set<std::string> placed; // paths in the archive
  for (const char *dir : {"bin", "usr", "usr/bin", "proc", "sys", "dev", "tmp", "run", "var", "etc",
                          "etc/zctrace", "boot", "lib", "lib/modules", "results", "mnt"}) {
    cpio.directory(dir);
    placed.insert(dir);
  }
  cpio.file("bin/busybox", read_file(image.busybox), 0755);
  cpio.file("usr/bin/zctrace", read_file(image.zctrace), 0755);
  cpio.file("init", kGuestInit, 0755);
  cpio.file("etc/zctrace/command", image.command);
  if (image.kernel.config)
    cpio.file("boot/config-" + image.kernel.release, read_file(*image.kernel.config));
  placed.insert({"bin/busybox", "usr/bin/zctrace", "init"});
  for (const fs::path &program : image.programs) {
    if (!fs::is_regular_file(program))
      throw Error("the guest's program " + program.string() + " is not on this machine");
    place_at_own_path(cpio, placed, program.string(), 0755);
    for (const std::string &lib : libraries_of(program))
      place_at_own_path(cpio, placed, lib, 0755);
  }

  InitramfsContents contents;
  if (image.kernel.modules) {
    const ModuleIndex idx = index_modules(*image.kernel.modules);
    std::set<std::string> modules_placed;
    std::function<void(const std::string &)> place = [&](const std::string &name) {
      if (modules_placed.count(name) || idx.builtin.count(name))
        return;
      auto it = idx.files.find(name);
      if (it == idx.files.end()) {
        contents.missing.push_back(name);
        return;
      }
      modules_placed.insert(name);
      for (const auto &dep : depends_of(it->second))
        place(dep);
      const std::string file = name + ".ko";
      cpio.file("lib/modules/" + file, decompressed(it->second));
      contents.modules.push_back(file);
    };
    for (const auto &m : image.modules)
      place(module_key(m));
  } else {
    contents.missing = image.modules;
  }
  std::string order;
  for (const auto &m : contents.modules)
    order += m + "\n";
  cpio.file("etc/zctrace/modules", order);

  std::ofstream o(out, std::ios::binary | std::ios::trunc);
  const std::string &archive = cpio.finish();
  if (!o.write(archive.data(), static_cast<std::streamsize>(archive.size())))
    throw Error("cannot write " + out.string());
  return contents;
}

} // namespace zc::vmtest
