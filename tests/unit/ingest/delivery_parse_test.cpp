// The delivery events as their senders shape them (docs/DELIVERY.md):
// GitHub releases and deployments, the generic deployment and incident,
// PagerDuty's and Opsgenie's webhooks, Jira Incident issues, and what a
// pushed commit's message says (merge, revert, hotfix) without keeping it.
#include <catch2/catch.hpp>

#include "collector/ingest/bitbucket_webhook.hpp"
#include "collector/ingest/commit_message_facts.hpp"
#include "collector/ingest/delivery_endpoint.hpp"
#include "collector/ingest/github_webhook.hpp"
#include "collector/ingest/jira_webhook.hpp"
#include "common/time.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

int64_t at(const char* iso) {
  return *parse_iso8601_utc_ms(iso);
}

}  // namespace

TEST_CASE("commit messages: merges, reverts and hotfixes, by rule", "[delivery][ingest]") {
  auto rules = parse_message_rules("^hotfix\\b, \\[hotfix\\]");
  REQUIRE(rules);
  CHECK(rules->hotfix.size() == 2);
  CHECK(
      read_message("Merge pull request #5 from acme/cards", "noreply@github.com", 0, *rules).merge);
  CHECK(read_message("Squashed (#7)", "NoReply@GitHub.com", 0, *rules).merge);
  CHECK(read_message("Merge branch 'main' into x", "dev@acme.example", 0, *rules).merge);
  CHECK(read_message("anything", "dev@acme.example", 2, *rules).merge);
  CHECK_FALSE(read_message("Merges the caches", "dev@acme.example", 1, *rules).merge);
  const auto revert = read_message(
      "Revert \"Add receipts\"\n\nThis reverts commit 0D1A26E67D8F5EAF1F6BA5C57FC3C7D91AC0FD1C.",
      "dev@acme.example", 1, *rules);
  CHECK(revert.reverts_sha == "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
  CHECK(read_message("This reverts commit 12ab.", "", 1, *rules).reverts_sha.empty());  // too short
  CHECK(read_message("HOTFIX: login", "", 1, *rules).hotfix);
  CHECK(read_message("fix login [hotfix]", "", 1, *rules).hotfix);
  CHECK_FALSE(read_message("hotfixes later", "", 1, *rules).hotfix);
  auto bad = parse_message_rules("ok,(unclosed");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("'(unclosed'") != std::string::npos);
}

TEST_CASE("GitHub release and deployment events as GitHub sends them", "[delivery][ingest]") {
  const std::string release =
      R"({"action": "published", "release": {"url": "https://api.github.com/repos/Acme/API/releases/1", "id": 77, "tag_name": "v1.2.0", "target_commitish": "main", "name": "v1.2.0", "draft": false, "prerelease": false, "created_at": "2026-03-05T09:00:00Z", "published_at": "2026-03-05T09:30:00Z"}, "repository": {"id": 1, "name": "API", "full_name": "Acme/API"}, "sender": {"login": "dev"}})";
  auto e = parse_github_webhook("release", release);
  REQUIRE(e);
  CHECK(e->kind == WebhookEvent::kDeployment);
  CHECK(e->repo == "github.com/acme/api");
  CHECK(e->deployment.id == "release:77");
  CHECK(e->deployment.ref == "main");
  CHECK(e->deployment.sha.empty());
  CHECK(e->deployment.environment == "release");
  CHECK(e->deployment.state == "success");
  CHECK(e->deployment.state_ms == at("2026-03-05T09:30:00Z"));
  auto edited = parse_github_webhook("release", R"({"action": "edited", "release": {}})");
  REQUIRE(edited);
  CHECK(edited->kind == WebhookEvent::kIgnored);

  const std::string status =
      R"({"action": "created", "deployment_status": {"id": 9, "state": "bogus", "created_at": "2026-03-05T10:00:00Z", "updated_at": "2026-03-05T10:00:00Z", "environment": "production"}, "deployment": {"id": 5, "sha": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "ref": "main", "environment": "production", "created_at": "2026-03-05T09:55:00Z", "production_environment": true}, "repository": {"full_name": "Acme/API"}})";
  auto bad = parse_github_webhook("deployment_status", status);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("deployment_status.state 'bogus'") != std::string::npos);
  std::string ok = status;
  ok.replace(ok.find("bogus"), 5, "error");
  auto good = parse_github_webhook("deployment_status", ok);
  REQUIRE(good);
  CHECK(good->deployment.id == "5");
  CHECK(good->deployment.production);
  CHECK(good->deployment.state == "error");
  CHECK(good->deployment.created_ms == at("2026-03-05T09:55:00Z"));
  std::string no_sha = ok;
  no_sha.replace(no_sha.find("\"sha\": \"0d1a"), 12, "\"sha\": \"zz1a");
  CHECK_FALSE(parse_github_webhook("deployment_status", no_sha));
}

TEST_CASE("pushed commits: the commit before each, merges and reverts, no message kept",
          "[delivery][ingest]") {
  const std::string push =
      R"({"ref": "refs/heads/main", "before": "1111111111111111111111111111111111111111", "after": "3333333333333333333333333333333333333333", "repository": {"full_name": "Acme/API"}, "sender": {"login": "dev"}, "commits": [
    {"id": "2222222222222222222222222222222222222222", "message": "hotfix: CANARY-MESSAGE", "timestamp": "2026-03-05T10:00:00Z", "author": {"email": "dev@acme.example"}, "committer": {"email": "dev@acme.example"}},
    {"id": "3333333333333333333333333333333333333333", "message": "Merge pull request #9 from acme/x", "timestamp": "2026-03-05T10:05:00Z", "author": {"email": "dev@acme.example"}, "committer": {"email": "noreply@github.com"}}]})";
  auto rules = parse_message_rules(kDefaultHotfixMessagePatterns);
  REQUIRE(rules);
  auto e = parse_github_webhook("push", push, *rules);
  REQUIRE(e);
  REQUIRE(e->commits.size() == 2);
  CHECK(e->commits[0].parent_sha == std::string(40, '1'));
  CHECK(e->commits[0].hotfix);
  CHECK_FALSE(e->commits[0].merge);
  CHECK(e->commits[1].parent_sha == std::string(40, '2'));
  CHECK(e->commits[1].merge);
  CHECK_FALSE(e->commits[1].hotfix);
}

TEST_CASE("generic deployments and incidents, PagerDuty and Opsgenie shapes, bad ones named",
          "[delivery][ingest]") {
  auto d = parse_generic_deployment(
      R"({"id": "b-1", "repo": "GitHub.com/Acme/API", "environment": "production", "ref": "main", "status": "success", "at": "2026-03-05T10:00:00+01:00"})",
      1);
  REQUIRE(d);
  CHECK(d->source == "generic");
  CHECK(d->event.repo == "github.com/acme/api");
  CHECK(d->event.deployment.state_ms == at("2026-03-05T09:00:00Z"));
  CHECK(d->event.deployment.created_ms == d->event.deployment.state_ms);
  for (
      const auto& [body, names] :
      {std::pair{
           R"({"repo": "github.com/a/b", "environment": "p", "sha": "", "status": "success", "at": "2026-03-05T10:00:00Z"})",
           "id: required"},
       std::pair{
           R"({"id": "x", "repo": "api", "environment": "p", "ref": "main", "status": "success", "at": "2026-03-05T10:00:00Z"})",
           "HOST/OWNER/NAME"},
       std::pair{
           R"({"id": "x", "repo": "github.com/a/b", "environment": "p", "status": "success", "at": "2026-03-05T10:00:00Z"})",
           "sha or ref"},
       std::pair{
           R"({"id": "x", "repo": "github.com/a/b", "environment": "p", "ref": "main", "status": "success"})",
           "at (the time of this status)"}}) {
    auto bad = parse_generic_deployment(body, 1);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find(names) != std::string::npos);
  }

  auto pd = parse_incident(
      R"({"event": {"id": "01DEN", "event_type": "incident.resolved", "resource_type": "incident", "occurred_at": "2026-03-04T09:30:00.123Z", "agent": null, "data": {"id": "PGR0VU2", "type": "incident", "status": "resolved", "created_at": "2026-03-04T08:00:00Z", "title": "down", "service": {"id": "PSVC", "summary": "api"}}}})",
      1);
  REQUIRE(pd);
  CHECK(pd->source == "pagerduty");
  CHECK(pd->delivery_id == "01DEN");
  CHECK(pd->event.incident.id == "PGR0VU2");
  CHECK(pd->event.incident.started_ms == at("2026-03-04T08:00:00Z"));
  CHECK(pd->event.incident.resolved_ms == at("2026-03-04T09:30:00.123Z"));
  auto service = parse_incident(
      R"({"event": {"id": "01DEO", "event_type": "service.updated", "resource_type": "service", "occurred_at": "2026-03-04T09:30:00Z", "data": {"id": "PSVC"}}})",
      1);
  REQUIRE(service);
  CHECK(service->event.kind == WebhookEvent::kIgnored);

  auto og = parse_incident(
      R"({"action": "Close", "alert": {"alertId": "70413a06-38d6-4c85-92b8-5ebc900d42e2", "message": "down", "tags": [], "tinyId": "1791", "entity": "", "alias": "a", "createdAt": 1772611200000, "updatedAt": 1772616600000000000, "username": "ops", "userId": "u"}, "source": {"name": "", "type": "web"}, "integrationName": "Webhook", "integrationId": "i", "integrationType": "Webhook"})",
      1);
  REQUIRE(og);
  CHECK(og->source == "opsgenie");
  CHECK(og->event.incident.started_ms == 1772611200000);
  CHECK(og->event.incident.resolved_ms == 1772616600000);
  CHECK(og->delivery_id == "70413a06-38d6-4c85-92b8-5ebc900d42e2:Close:1772616600000");

  auto untimed = parse_incident(R"({"id": "INC-1"})", 1);
  REQUIRE_FALSE(untimed);
  CHECK(untimed.error().message.find("started_at") != std::string::npos);
  auto backwards = parse_incident(
      R"({"id": "INC-1", "started_at": "2026-03-04T10:00:00Z", "resolved_at": "2026-03-04T09:00:00Z"})",
      1);
  REQUIRE_FALSE(backwards);
  CHECK(backwards.error().message.find("before started_at") != std::string::npos);
}

TEST_CASE("Jira issues of type Incident are incidents, their times as Jira writes them",
          "[delivery][ingest][jira]") {
  auto e = parse_jira_webhook(
      R"({"timestamp": 1772618400000, "webhookEvent": "jira:issue_updated", "issue": {"id": "10", "key": "OPS-12", "fields": {"issuetype": {"name": "Incident", "subtask": false}, "status": {"name": "Resolved"}, "created": "2026-03-04T08:00:00.000+0000", "resolutiondate": "2026-03-04T11:15:00.000+0100"}}})",
      "customfield_10014");
  REQUIRE(e);
  CHECK(e->incident);
  CHECK(e->incident_times.id == "OPS-12");
  CHECK(e->incident_times.started_ms == at("2026-03-04T08:00:00Z"));
  CHECK(e->incident_times.resolved_ms == at("2026-03-04T10:15:00Z"));
  auto story = parse_jira_webhook(
      R"({"timestamp": 1772618400000, "webhookEvent": "jira:issue_updated", "issue": {"id": "11", "key": "OPS-13", "fields": {"issuetype": {"name": "Story"}}}})",
      "customfield_10014");
  REQUIRE(story);
  CHECK_FALSE(story->incident);
}

TEST_CASE("commit messages: the task keys they name and the commit a Fixes trailer names",
          "[delivery][ingest][bugs]") {
  auto rules = parse_message_rules("");
  REQUIRE(rules);
  const auto fix = read_message(
      "BUG-11: guard the total\n\nSee PROJ-7 too.\nFixes: 0D1A26E67D8F (\"Add receipts\")\n"
      "Fixes: 1111111111111111111111111111111111111111\n",
      "dev@acme.example", 1, *rules);
  CHECK(fix.task_keys == "BUG-11,PROJ-7");
  CHECK(fix.fixes_sha == "0d1a26e67d8f");  // the first, lower-cased
  CHECK(fix.reverts_sha.empty());
  // Not a commit: too short, a task key, not on a line of its own, a word.
  CHECK(read_message("x\n\nFixes: 12ab34", "", 1, *rules).fixes_sha.empty());
  CHECK(read_message("x\n\nFixes: BUG-11", "", 1, *rules).fixes_sha.empty());
  CHECK(read_message("x\n\nThis Fixes: 0d1a26e67d8f", "", 1, *rules).fixes_sha.empty());
  CHECK(read_message("x\n\nFixes: deadbeefcafe-ish", "", 1, *rules).fixes_sha.empty());
  CHECK(read_message("x\r\n\r\nfixes:\t0d1a26e6\r\n", "", 1, *rules).fixes_sha == "0d1a26e6");
  CHECK(read_message("no keys here", "", 1, *rules).task_keys.empty());
}

TEST_CASE("Jira issues: labels, components, story points, priority, times and cause links",
          "[delivery][ingest][jira][bugs]") {
  auto e = parse_jira_webhook(
      R"({"timestamp": 1772618400000, "webhookEvent": "jira:issue_updated", "issue": {"key": "PROJ-812", "fields": {"issuetype": {"name": "Story"}, "status": {"name": "Done"}, "labels": ["backend", "backend", "q1"], "components": [{"id": "1", "name": "billing"}, {"id": "2", "name": "api"}], "priority": {"id": "3", "name": "Medium"}, "customfield_10016": 3, "customfield_10026": 8, "created": "2026-03-01T10:00:00.000+0000", "resolutiondate": null, "issuelinks": [{"type": {"name": "Problem/Incident", "inward": "is caused by", "outward": "causes"}, "outwardIssue": {"key": "BUG-4"}}, {"type": {"name": "Problem/Incident", "inward": "is caused by", "outward": "causes"}, "inwardIssue": {"key": "PROJ-700"}}, {"type": {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"}, "outwardIssue": {"key": "PROJ-9"}}]}}})",
      "customfield_10014");
  REQUIRE(e);
  const TaskRecord& t = e->task;
  CHECK(t.labels == std::vector<std::string>{"backend", "q1"});  // once each
  CHECK(t.components == std::vector<std::string>{"billing", "api"});
  CHECK(t.priority == "Medium");
  CHECK(t.story_points_milli == 3000);  // customfield_10016 by default
  CHECK(t.created_ms == at("2026-03-01T10:00:00Z"));
  CHECK(t.resolved_ms == 0);
  CHECK(t.causes == std::vector<std::string>{"BUG-4"});
  CHECK(t.caused_by == std::vector<std::string>{"PROJ-700"});
  // Another site's field; none at all.
  auto other = parse_jira_webhook(
      R"({"timestamp": 1, "webhookEvent": "jira:issue_updated", "issue": {"key": "PROJ-1", "fields": {"customfield_10026": 0.5, "customfield_10016": null}}})",
      "customfield_10014", "customfield_10026");
  REQUIRE(other);
  CHECK(other->task.story_points_milli == 500);
  auto none = parse_jira_webhook(
      R"({"timestamp": 1, "webhookEvent": "jira:issue_updated", "issue": {"key": "PROJ-1", "fields": {"customfield_10016": null}}})",
      "customfield_10014");
  REQUIRE(none);
  CHECK(none->task.story_points_milli == -1);
  CHECK(none->task.labels.empty());

  // Bad ones, each named.
  auto bad = [](const std::string& fields) {
    auto r = parse_jira_webhook(
        R"({"timestamp": 1, "webhookEvent": "jira:issue_updated", "issue": {"key": "PROJ-1", "fields": )" +
            fields + "}}",
        "customfield_10014");
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(bad(R"({"labels": "backend"})") == "issue.fields.labels is not an array");
  CHECK(bad(R"({"labels": ["ok", 7]})") == "issue.fields.labels[1] is not a string");
  CHECK(bad(R"({"components": [{"id": "1"}]})") ==
        "issue.fields.components[0] is not a plain name");
  CHECK(bad(R"({"customfield_10016": "three"})") ==
        "issue.fields.customfield_10016 (story points) is not a number from 0 to 100000");
  CHECK(bad(R"({"customfield_10016": -1})").find("story points") != std::string::npos);
  CHECK(bad(R"({"created": "yesterday"})") == "issue.fields.created is not a time: 'yesterday'");
  CHECK(
      bad(R"({"issuelinks": [{"type": {"inward": "is caused by"}, "inwardIssue": {"key": "x"}}]})") ==
      "issue.fields.issuelinks[0].inwardIssue.key is missing or not a Jira key like PROJ-123");
  CHECK(bad(R"({"issuelinks": [{"type": {"name": "Blocks"}}]})") ==
        "issue.fields.issuelinks[0] has neither inwardIssue nor outwardIssue");
}
