// What an endpoint answers, before it becomes HTTP: a status, a JSON body and
// the few headers the protocol needs. Every endpoint (ingest, webhooks,
// reports, the dashboard) decides in these terms; serve/ writes them out.
#pragma once

#include <cstdint>
#include <string>

namespace codepulse::collector {

struct HttpReply {
  int status = 200;
  std::string body;  // JSON
  int64_t retry_after_s = 0;
  bool close = false;         // close the connection after replying (the body was not read)
  bool authenticate = false;  // add WWW-Authenticate: Bearer
};

// The JSON body of an error reply: {"error": message, "status": status}.
std::string error_json(int status, const std::string& message);

}  // namespace codepulse::collector
