// libFuzzer harness: a Jira webhook body (POST /v1/webhooks/jira). Whatever
// arrives, the parser answers a used event with valid keys and plain names,
// or an error; it never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "collector/ingest/jira_webhook.hpp"

using namespace codepulse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto e = collector::parse_jira_webhook(body, "customfield_10014");
  if (!e || !e->used) return 0;
  if (!collector::is_jira_key(e->task.key)) std::abort();
  if (!e->task.epic.empty() && !collector::is_jira_key(e->task.epic)) std::abort();
  if (e->task.deleted && !e->task.epic.empty()) std::abort();
  if (e->task.updated_ms <= 0 || e->task.status.size() > 200 || e->task.issue_type.size() > 200)
    std::abort();
  return 0;
}
