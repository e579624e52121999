// The CLI's audit events (cli_audit.hpp).
#include "collector/cli/cli_audit.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>

#include "common/time.hpp"

namespace codepulse::collector {

std::string cli_actor() {
  const uid_t uid = ::getuid();
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found && found->pw_name)
    return std::string("cli (") + found->pw_name + ")";
  return "cli (uid " + std::to_string(uid) + ")";
}

void audit_cli(Store& store, const std::string& action, const std::string& target,
               const std::string& detail) {
  AuditEvent e;
  e.at_ms = now_utc_ms();
  e.actor = cli_actor();
  e.action = action;
  e.target = target;
  e.detail = detail;
  if (auto s = store.append_audit(e); !s)
    std::fprintf(stderr, "warning: the audit log did not record %s: %s\n", action.c_str(),
                 s.error().message.c_str());
}

}  // namespace codepulse::collector
