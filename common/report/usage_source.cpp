#include "common/report/usage_source.hpp"

#include "common/tool_codec.hpp"

namespace codepulse::report {

Status read_usage_fact(const sql::Statement& st, bool with_tools, UsageFact& f) {
  f.record_id = st.int64(0);
  f.author.assign(st.text(1));
  f.session.assign(st.text(2));
  f.model.assign(st.text(3));
  f.fast = st.int64(4) != 0;
  if (f.fast) f.model += "-fast";  // as ccusage names fast-mode usage
  f.repo.assign(st.text(5));
  f.branch.assign(st.text(6));
  f.task_keys.assign(st.text(7));
  f.turn_id.assign(st.text(8));
  f.ts_ms = st.int64(9);
  f.input = st.int64(10);
  f.output = st.int64(11);
  f.cache_create = st.int64(12);
  f.cache_read = st.int64(13);
  f.cache_create_1h = st.int64(14);
  f.web_search = st.int64(15);
  f.web_fetch = st.int64(16);
  f.inference_geo.assign(st.text(17));
  f.assistant.assign(st.text(18));
  f.revision = st.int64(20);
  f.tools.clear();
  if (!with_tools) return {};
  auto tools = decode_tools(st.text(19));
  if (!tools)
    return make_error("usage record " + std::to_string(f.record_id) +
                      ": tools: " + tools.error().message);
  f.tools = std::move(tools).value();
  return {};
}

namespace {

Status scan_statement(sql::Statement& st, bool with_tools,
                      const std::function<bool(const UsageFact&)>& fn) {
  UsageFact f;
  while (true) {
    auto more = st.step();
    if (!more) return more.error();
    if (!*more) break;
    if (auto s = read_usage_fact(st, with_tools, f); !s) return s;
    if (!fn(f)) return make_error("the scan of usage records was stopped");
  }
  return {};
}

}  // namespace

Status scan_usage(sql::Database& db, int64_t since_ms, int64_t until_ms, bool with_tools,
                  const std::function<bool(const UsageFact&)>& fn) {
  auto st = db.prepare(std::string("SELECT ") + kUsageFactColumns +
                       " FROM usage_records WHERE ts_ms >= ?1 AND ts_ms < ?2");
  if (!st) return st.error();
  st->bind(1, since_ms).bind(2, until_ms);
  return scan_statement(*st, with_tools, fn);
}

Status scan_usage_ids(sql::Database& db, const std::vector<int64_t>& ids,
                      const std::function<bool(const UsageFact&)>& fn) {
  auto st = db.prepare(std::string("SELECT ") + kUsageFactColumns +
                       " FROM usage_records WHERE id IN (SELECT value FROM json_each(?1)) "
                       "ORDER BY id");
  if (!st) return st.error();
  std::string list = "[";  // bound: lives until the scan ends
  for (const int64_t id : ids) {
    if (list.size() > 1) list.push_back(',');
    list += std::to_string(id);
  }
  list.push_back(']');
  st->bind(1, list);
  return scan_statement(*st, true, fn);
}

std::string_view UsageFact::logged_model() const {
  std::string_view m = model;
  if (fast && m.ends_with("-fast")) m.remove_suffix(5);
  return m;
}

UsageToPrice UsageFact::to_price() const {
  UsageToPrice u;
  u.model = logged_model();
  u.ts_ms = ts_ms;
  u.input = input;
  u.output = output;
  u.cache_write_1h = cache_create_1h;
  u.cache_write_5m = cache_create - cache_create_1h;
  u.cache_read = cache_read;
  u.web_search = web_search;
  u.web_fetch = web_fetch;
  u.fast = fast;
  u.inference_geo = inference_geo;
  return u;
}

UsageFact usage_fact(const UsageRecord& u, std::string_view author, int64_t record_id) {
  UsageFact f;
  f.record_id = record_id;
  f.author.assign(author);
  f.session = u.session_id;
  f.model = u.fast ? u.model + "-fast" : u.model;
  f.repo = u.repo;
  f.branch = u.branch;
  f.task_keys = u.task_keys;
  f.turn_id = u.turn_id;
  f.ts_ms = u.timestamp_ms;
  f.input = u.input;
  f.output = u.output;
  f.cache_create = u.cache_create_5m + u.cache_create_1h;
  f.cache_read = u.cache_read;
  f.cache_create_1h = u.cache_create_1h;
  f.web_search = u.web_search_requests;
  f.web_fetch = u.web_fetch_requests;
  f.fast = u.fast;
  f.inference_geo = u.inference_geo;
  f.assistant = u.assistant;
  f.tools = u.tools;
  return f;
}

}  // namespace codepulse::report
