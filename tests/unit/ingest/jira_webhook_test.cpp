// Jira issue webhooks, with payloads shaped as Atlassian documents them
// (tests/fixtures/jira): the epic from the parent or the Epic Link field,
// type and status, deletions, ignored events, and bad bodies.
#include "collector/ingest/jira_webhook.hpp"

#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

std::string fixture(const std::string& name) {
  return test::read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/jira/" + name);
}

}  // namespace

TEST_CASE("a created story takes its parent epic, type and status", "[jira]") {
  auto e = parse_jira_webhook(fixture("issue_created.json"), "customfield_10014");
  REQUIRE(e);
  CHECK(e->event == "jira:issue_created");
  REQUIRE(e->used);
  CHECK(e->task.key == "PROJ-7");
  CHECK(e->task.epic == "PROJ-1");
  CHECK(e->task.issue_type == "Story");
  CHECK(e->task.status == "To Do");
  CHECK(e->task.updated_ms == 1767225600000);
  CHECK_FALSE(e->task.deleted);
}

TEST_CASE("a sub-task's epic comes from the Epic Link field, never its parent task", "[jira]") {
  auto e = parse_jira_webhook(fixture("issue_updated_subtask.json"), "customfield_10014");
  REQUIRE(e);
  CHECK(e->task.key == "OPS-9");
  CHECK(e->task.epic == "OPS-2");
  CHECK(e->task.status == "In Review");
  // Another Epic Link field configured: no epic.
  auto other = parse_jira_webhook(fixture("issue_updated_subtask.json"), "customfield_99999");
  REQUIRE(other);
  CHECK(other->task.epic.empty());
}

TEST_CASE("an epic is its own epic, a deleted issue keeps none", "[jira]") {
  std::string epic = fixture("issue_created.json");
  epic.replace(epic.find("\"name\": \"Story\""), 15, "\"name\": \"Epic\"");
  auto e = parse_jira_webhook(epic, "customfield_10014");
  REQUIRE(e);
  CHECK(e->task.epic == "PROJ-7");
  auto gone = parse_jira_webhook(fixture("issue_deleted.json"), "customfield_10014");
  REQUIRE(gone);
  CHECK(gone->task.deleted);
  CHECK(gone->task.epic.empty());
  CHECK(gone->task.status == "Done");
}

TEST_CASE("other events are ignored, bad bodies are refused with the reason", "[jira]") {
  auto comment = parse_jira_webhook(fixture("comment_created.json"), "");
  REQUIRE(comment);
  CHECK(comment->event == "comment_created");
  CHECK_FALSE(comment->used);

  const std::string good = fixture("issue_created.json");
  auto refused = [&](const std::string& body, const char* why) {
    auto r = parse_jira_webhook(body, "customfield_10014");
    INFO(body.substr(0, 80));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(why) != std::string::npos);
  };
  refused("{\"webhookEvent\": \"jira:issue_created\"", "not JSON");
  refused("[1, 2]", "not a JSON object");
  refused("{}", "webhookEvent");
  refused("{\"webhookEvent\": \"jira:issue_updated\", \"issue\": {\"key\": \"PROJ-1\"}}",
          "timestamp");
  std::string bad_key = good;
  bad_key.replace(bad_key.find("\"PROJ-7\""), 8, "\"proj 7; DROP TABLE\"");
  refused(bad_key, "issue.key");
  std::string bad_epic = good;
  bad_epic.replace(bad_epic.find("\"PROJ-1\""), 8, "\"<script>\"");
  refused(bad_epic, "epic of PROJ-7");
  std::string control = good;
  control.replace(control.find("\"To Do\""), 7, "\"To\\u0001Do\"");
  refused(control, "status.name");
  std::string no_fields =
      "{\"timestamp\": 5, \"webhookEvent\": \"jira:issue_updated\","
      " \"issue\": {\"key\": \"PROJ-1\"}}";
  refused(no_fields, "issue.fields");
}

TEST_CASE("Jira keys are PROJECT-NUMBER", "[jira]") {
  for (const char* ok : {"PROJ-1", "A-9", "AB_2-1234567890", "X1-42"})
    CHECK(is_jira_key(ok));
  for (const char* bad :
       {"", "PROJ", "PROJ-", "-1", "proj-1", "PROJ-01", "PROJ-1a", "1PROJ-1", "PR OJ-1", "PROJ-1-"})
    CHECK_FALSE(is_jira_key(bad));
}
