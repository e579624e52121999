// What `codepulse-tracker enroll` writes: the token file (0600), the
// collector's CA when one was pinned, and the collector keys of the
// configuration file (other keys in it are kept). Each file is written to a
// temporary name and renamed, and the configuration is loaded back before it
// replaces the old one, so a failed enrolment leaves the old set-up intact.
#pragma once

#include <optional>
#include <string>

#include "common/environment.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

struct Enrolment {
  std::string collector_url;
  std::string token;
  std::optional<std::string> ca_pem;  // nullopt: the system's trusted CAs
  // The token's author (GET /v1/whoami): written as `author` unless the
  // configuration already names one, so the git scan reads this author's
  // commits (tracker/git/commit_identity.hpp).
  std::string author;
};

struct EnrolmentFiles {
  std::string config_file;  // e.g. ~/.config/codepulse/tracker.toml
  std::string token_file;   // next to it: token
  std::string ca_file;      // next to it: collector-ca.pem
};

// The files beside `config_file`.
EnrolmentFiles enrolment_files(const std::string& config_file);

// The configuration text with `collector`, `token_file`, `ca_file` and
// `collector_pin_sha256` set for this enrolment (old settings of them removed).
std::string enrolled_config_text(const std::string& old_text, const Enrolment& e,
                                 const EnrolmentFiles& files);

Status write_enrolment(const Enrolment& e, const EnrolmentFiles& files, const Environment& env);

}  // namespace codepulse::tracker
