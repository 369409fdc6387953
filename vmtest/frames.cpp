#include "frames.h"

#include <sstream>

#include "error.h"

namespace zc::vmtest {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

} // namespace

std::string base64_decode(std::string_view text) {
  std::string out;
  unsigned int acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ')
      continue;
    const int v = sextet(c);
    if (v < 0)
      throw Error(std::string("bad base64 character '") + c + "'");
    acc = (acc << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6)
      out += kAlphabet[(v >> s) & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size())
      v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Frames parse_frames(std::string_view stream) {
  Frames f;
  std::istringstream in{std::string(stream)};
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.rfind("ZCTRACE-EXIT ", 0) == 0) {
      try {
        f.exit_code = std::stoi(line.substr(13));
      } catch (const std::exception &) {
        f.problem = "bad end marker: " + line;
      }
      return f;
    }
    if (line.rfind("ZCTRACE-FILE ", 0) != 0)
      continue; // noise before or between frames
    std::istringstream header(line.substr(13));
    GuestFile file;
    std::size_t size = 0;
    if (!(header >> file.name >> size)) {
      f.problem = "bad file header: " + line;
      return f;
    }
    // The name becomes a file in the results folder: a plain name only
    // (a guest is not trusted to write elsewhere, e.g. "../x").
    if (file.name.empty() || file.name[0] == '.' || file.name.find('/') != std::string::npos) {
      f.problem = "file name '" + file.name + "' is not a plain file name";
      return f;
    }
    std::string body;
    bool closed = false;
    while (std::getline(in, line)) {
      line = trim(line);
      if (line == "ZCTRACE-FILE-END") {
        closed = true;
        break;
      }
      body += line;
    }
    if (!closed) {
      f.problem = "file " + file.name + " was cut off";
      return f;
    }
    try {
      file.data = base64_decode(body);
    } catch (const Error &e) {
      f.problem = "file " + file.name + ": " + e.what();
      return f;
    }
    if (file.data.size() != size) {
      f.problem = "file " + file.name + " has " + std::to_string(file.data.size()) +
                  " bytes, its header says " + std::to_string(size);
      return f;
    }
    f.files.push_back(std::move(file));
  }
  return f;
}

} // namespace zc::vmtest
