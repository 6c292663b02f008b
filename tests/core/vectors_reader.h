// Reads the golden packet files of tests/vectors/ (format: tests/vectors/README.md).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace mqtt::test {

struct Vector {
  std::string file;
  int line = 0;  // of the name: line, for failure messages
  std::string name;
  int version = 0;
  std::string expect = "ok";
  bool canonical = true;
  uint32_t max_packet_size = 0;  // 0: the default
  std::vector<uint8_t> bytes;
  std::string error;  // a syntax error in the file, reported by the tests
};

inline std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// `file` is relative to the vectors directory.
inline std::vector<Vector> read_vectors(const std::string& file) {
  std::vector<Vector> out;
  std::ifstream in(std::string(MQTT_VECTORS_DIR) + "/" + file);
  if (!in) {
    out.push_back({});
    out.back().file = file;
    out.back().error = "cannot open " + file;
    return out;
  }
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos &&
        line.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == colon) {
      const std::string key = line.substr(0, colon), value = trim(line.substr(colon + 1));
      if (key == "name") {
        out.push_back({});
        out.back().file = file;
        out.back().line = line_no;
        out.back().name = value;
        continue;
      }
      if (out.empty()) return {Vector{file, line_no, "", 0, "", true, 0, {}, "key before name:"}};
      Vector& v = out.back();
      if (key == "version")
        v.version = std::atoi(value.c_str());
      else if (key == "expect")
        v.expect = value;
      else if (key == "canonical")
        v.canonical = value != "no";
      else if (key == "max_packet_size")
        v.max_packet_size = uint32_t(std::strtoul(value.c_str(), nullptr, 10));
      else
        v.error = "unknown key " + key + " at line " + std::to_string(line_no);
      continue;
    }
    if (out.empty()) return {Vector{file, line_no, "", 0, "", true, 0, {}, "bytes before name:"}};
    size_t pos = 0;
    while (pos < line.size()) {
      const size_t end = line.find_first_of(" \t", pos);
      const std::string tok =
          line.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      char* stop = nullptr;
      const unsigned long b = std::strtoul(tok.c_str(), &stop, 16);
      if (tok.size() != 2 || *stop != '\0' || b > 0xFF) {
        out.back().error = "bad byte '" + tok + "' at line " + std::to_string(line_no);
      } else {
        out.back().bytes.push_back(uint8_t(b));
      }
      if (end == std::string::npos) break;
      pos = line.find_first_not_of(" \t", end);
      if (pos == std::string::npos) break;
    }
  }
  return out;
}

}  // namespace mqtt::test
