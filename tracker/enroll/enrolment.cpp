#include "tracker/enroll/enrolment.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "tracker/config/keys.hpp"

namespace codepulse::tracker {
namespace {

const char* const kManagedKeys[] = {"collector", "token_file", "ca_file", "collector_pin_sha256"};

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// The key a line sets, or "" for comments, blank lines and tables.
std::string key_of(const std::string& line) {
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string::npos || line[start] == '#' || line[start] == '[') return "";
  const auto eq = line.find('=', start);
  if (eq == std::string::npos) return "";
  std::string key = line.substr(start, eq - start);
  key.erase(key.find_last_not_of(" \t") + 1);
  return key;
}

Status make_dirs(const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == ".") return {};
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return {};
  if (auto s = make_dirs(dir_of(dir)); !s) return s;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return make_error("cannot create " + dir + ": " + std::strerror(errno));
  return {};
}

// Writes `path`.tmp with `mode`, syncs it; the caller renames it.
Status write_temp(const std::string& path, const std::string& text, mode_t mode) {
  return write_synced_file(path + ".tmp", text, mode);
}

Status commit(const std::string& path) {
  if (::rename((path + ".tmp").c_str(), path.c_str()) != 0)
    return make_error("cannot replace " + path + ": " + std::strerror(errno));
  return {};
}

bool plain(const std::string& s) {
  for (char c : s)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

}  // namespace

EnrolmentFiles enrolment_files(const std::string& config_file) {
  const std::string dir = dir_of(config_file);
  return {config_file, dir + "/token", dir + "/collector-ca.pem"};
}

std::string enrolled_config_text(const std::string& old_text, const Enrolment& e,
                                 const EnrolmentFiles& files) {
  std::string out;
  bool has_author = false;
  std::istringstream in(old_text);
  for (std::string line; std::getline(in, line);) {
    const std::string key = key_of(line);
    has_author = has_author || key == "author";
    bool managed = false;
    for (const char* k : kManagedKeys)
      managed = managed || key == k;
    if (line.rfind("# Written by codepulse-tracker enroll", 0) == 0) continue;
    if (!managed) out += line + "\n";
  }
  if (out.empty())
    out =
        "# codepulse-tracker configuration; `codepulse-tracker config show` explains every key.\n";
  out += "# Written by codepulse-tracker enroll:\n";
  out += "collector = \"" + e.collector_url + "\"\n";
  out += "token_file = \"" + files.token_file + "\"\n";
  if (e.ca_pem) out += "ca_file = \"" + files.ca_file + "\"\n";
  if (!has_author && !e.author.empty() && plain(e.author)) out += "author = \"" + e.author + "\"\n";
  return out;
}

Status write_enrolment(const Enrolment& e, const EnrolmentFiles& files, const Environment& env) {
  for (const std::string* s : {&e.collector_url, &files.config_file})
    if (!plain(*s)) return make_error("'" + *s + "' holds a quote, a backslash or a control code");
  if (auto s = make_dirs(dir_of(files.config_file)); !s) return s;

  std::string old_text;
  if (std::ifstream in(files.config_file, std::ios::binary); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    old_text = ss.str();
  }
  const std::string text = enrolled_config_text(old_text, e, files);
  if (auto s = write_temp(files.config_file, text, 0600); !s) return s;
  // The new configuration must load before it replaces the old one.
  if (auto c =
          Config::load(files.config_file + ".tmp", {}, env, tracker_config_keys(), kTrackerProgram);
      !c) {
    ::unlink((files.config_file + ".tmp").c_str());
    return make_error("the configuration would not load: " + c.error().message);
  }
  if (auto s = write_temp(files.token_file, e.token + "\n", 0600); !s) return s;
  if (e.ca_pem)
    if (auto s = write_temp(files.ca_file, *e.ca_pem, 0644); !s) return s;
  if (auto s = commit(files.token_file); !s) return s;
  if (e.ca_pem)
    if (auto s = commit(files.ca_file); !s) return s;
  return commit(files.config_file);
}

}  // namespace codepulse::tracker
