// libFuzzer harness: a Jira webhook body (POST /v1/webhooks/jira). Whatever
// arrives, the parser answers a used event with valid keys and plain names
// (nothing else of the issue: no summary, no description), the same each
// time, or an error of a few words; it never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/ingest/jira_webhook.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

using namespace codepulse;
using fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto e = collector::parse_jira_webhook(body, "customfield_10014");
  auto again = collector::parse_jira_webhook(body, "customfield_10014");
  expect(e.ok() == again.ok(), "the same answer each time");
  if (!e) {
    expect(e.error().message.size() <= 200, "an error message of at most 200 bytes");
    return 0;
  }
  expect(e->used == again->used && e->task.key == again->task.key &&
             e->task.epic == again->task.epic && e->task.status == again->task.status &&
             e->task.issue_type == again->task.issue_type,
         "the same event each time");
  if (!e->used) return 0;
  const auto& t = e->task;
  expect(collector::is_jira_key(t.key), "a used event has a valid issue key");
  expect(t.epic.empty() || collector::is_jira_key(t.epic), "a valid or empty epic");
  expect(!t.deleted || t.epic.empty(), "no epic once deleted");
  expect(t.updated_ms > 0, "a positive time");
  expect(t.status.size() <= 200 && t.issue_type.size() <= 200, "names of at most 200 bytes");
  expect(fuzz::no_control(t.status) && fuzz::no_control(t.issue_type), "plain names");
  return 0;
}
