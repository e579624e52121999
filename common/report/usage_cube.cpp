// Folding records into the cube: dictionaries, turns with their files, and
// groups found through an open-addressing index over the group array.
#include "common/report/usage_cube.hpp"

#include <algorithm>

#include "common/hashing.hpp"

namespace codepulse::report {
namespace {

constexpr uint32_t kEmpty = UINT32_MAX;

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

// splitmix64's finaliser: every input bit reaches every output bit.
uint64_t finalize(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

int64_t bucket_of(int64_t ts_ms) {
  return ts_ms >= 0 ? ts_ms / kBucketMs : (ts_ms - kBucketMs + 1) / kBucketMs;
}

}  // namespace

size_t Dictionary::Hash::operator()(std::string_view s) const {
  return static_cast<size_t>(fnv1a64(s));
}

uint32_t Dictionary::intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  auto [inserted, ok] = ids_.emplace(std::string(s), id);
  names_.push_back(&inserted->first);
  return id;
}

std::optional<uint32_t> Dictionary::find(std::string_view s) const {
  auto it = ids_.find(s);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

size_t UsageCube::group_hash(const Group& g) const {
  uint64_t h = static_cast<uint64_t>(g.bucket);
  for (uint32_t v : {g.turn, g.author, g.session, g.model, g.repo, g.branch, g.tasks,
                     static_cast<uint32_t>(g.priced), static_cast<uint32_t>(g.assistant)})
    h = mix(h, v);
  return static_cast<size_t>(h);
}

bool UsageCube::same_key(const Group& a, const Group& b) {
  return a.bucket == b.bucket && a.turn == b.turn && a.author == b.author &&
         a.session == b.session && a.model == b.model && a.repo == b.repo && a.branch == b.branch &&
         a.tasks == b.tasks && a.priced == b.priced && a.assistant == b.assistant;
}

void UsageCube::grow_index() {
  std::vector<uint32_t> bigger(index_.size() * 2, kEmpty);
  const size_t mask = bigger.size() - 1;
  for (uint32_t id : index_) {
    if (id == kEmpty) continue;
    size_t slot = group_hash(groups_[id]) & mask;
    while (bigger[slot] != kEmpty)
      slot = (slot + 1) & mask;
    bigger[slot] = id;
  }
  index_.swap(bigger);
}

uint32_t UsageCube::group_of(const Group& key) {
  if ((groups_.size() + 1) * 2 > index_.size()) grow_index();
  const size_t mask = index_.size() - 1;
  size_t slot = group_hash(key) & mask;
  while (index_[slot] != kEmpty) {
    if (same_key(groups_[index_[slot]], key)) return index_[slot];
    slot = (slot + 1) & mask;
  }
  const auto id = static_cast<uint32_t>(groups_.size());
  const Group& g = groups_.emplace_back(key);  // the key's sums are zero
  index_[slot] = id;
  if (by_session_.size() <= g.session) by_session_.resize(g.session + 1);
  SessionGroups& sg = by_session_[g.session];
  sg.groups.push_back(id);
  sg.first_bucket = std::min(sg.first_bucket, g.bucket);
  sg.last_bucket = std::max(sg.last_bucket, g.bucket);
  min_bucket_ = std::min(min_bucket_, g.bucket);
  max_bucket_ = std::max(max_bucket_, g.bucket);
  return id;
}

void UsageCube::compact() {
  // old_of[p]: the group that goes to place p. Every group is in exactly
  // one session's list (group_of).
  compacted_groups_ = groups_.size();
  size_t listed = 0;
  for (const SessionGroups& sg : by_session_)
    listed += sg.groups.size();
  if (listed != groups_.size()) return;  // cannot happen; leaves the order alone
  std::vector<uint32_t> old_of;
  old_of.reserve(groups_.size());
  for (SessionGroups& sg : by_session_)
    for (uint32_t& gid : sg.groups) {
      old_of.push_back(gid);
      gid = static_cast<uint32_t>(old_of.size() - 1);
    }
  std::vector<uint32_t> new_of(groups_.size());
  for (size_t p = 0; p < old_of.size(); ++p)
    new_of[old_of[p]] = static_cast<uint32_t>(p);
  for (uint32_t& slot : index_)
    if (slot != kEmpty) slot = new_of[slot];
  // In place, cycle by cycle (no second copy of the groups); a place
  // filled points to itself.
  for (size_t start = 0; start < groups_.size(); ++start) {
    if (old_of[start] == start) continue;
    const Group held = groups_[start];
    size_t at = start;
    while (old_of[at] != start) {
      const size_t from = old_of[at];
      groups_[at] = groups_[from];
      old_of[at] = static_cast<uint32_t>(at);
      at = from;
    }
    groups_[at] = held;
    old_of[at] = static_cast<uint32_t>(at);
  }
  effective_.clear();
  effective_stale_ = true;
}

uint32_t UsageCube::turn_of(std::string_view author_name, std::string_view turn_id,
                            int64_t record_id) {
  // A turn is one author's (a turn id from another token never mixes in); a
  // record without a turn id is a turn of its own. The key hashes the
  // author's name and the turn id (or the record id) into 64 bits, the same
  // in every cube: two of 10 million turns collide with odds of about 3 in
  // a million, and a collision only merges two turns' file lists.
  const std::string_view author =
      author_name.empty() ? std::string_view(kUnknownAuthor) : author_name;
  uint64_t h = fnv1a64(author);
  if (turn_id.empty()) {
    h = fnv1a64("\x1e", h);
    h = finalize(h ^ finalize(static_cast<uint64_t>(record_id) + 0x632be59bd9b4e019ULL));
  } else {
    h = finalize(fnv1a64(turn_id, fnv1a64("\x1f", h)));
  }
  auto [it, added] = turn_ids_.emplace(h, static_cast<uint32_t>(turns_.size()));
  if (added) {
    turns_.emplace_back();
    turn_hashes_.push_back(h);
  }
  return it->second;
}

uint32_t UsageCube::author_of(std::string_view author) {
  return authors_.intern(author.empty() ? std::string_view(kUnknownAuthor) : author);
}

bool UsageCube::fold_tools(uint32_t turn_id, const std::vector<ToolUse>& tools, int sign,
                           SessionInfo* session) {
  Turn& turn = turns_[turn_id];
  bool edited = false;
  for (const ToolUse& tool : tools) {
    if (tool.path.empty() || !tool.action) continue;
    const uint32_t file = files_.intern(tool.path);
    if (session && *tool.action == FileAction::kChange) {
      edited = true;
      auto& list = session->edited;
      auto e =
          std::find_if(list.begin(), list.end(), [file](const auto& x) { return x.first == file; });
      if (e == list.end()) {
        list.emplace_back(file, 0);
        e = list.end() - 1;
      }
      e->second += sign;
      if (e->second <= 0) list.erase(e);
    }
    auto it = std::find_if(turn.files.begin(), turn.files.end(),
                           [file](const TurnFile& t) { return t.file == file; });
    if (it == turn.files.end()) {
      turn.files.push_back({file, 0, 0, 0, 0});
      it = turn.files.end() - 1;
    }
    const FileEffect e = file_effect(tool);
    it->changes += sign * e.changes;
    it->reads += sign * e.reads;
    it->unknown += sign * e.unknown;
    it->lines += sign * e.lines;
    if (it->changes <= 0 && it->reads <= 0) turn.files.erase(it);
  }
  return edited;
}

UsageCube::SessionInfo& UsageCube::session_info(uint32_t session) {
  if (session_info_.size() <= session) session_info_.resize(session + 1);
  return session_info_[session];
}

void UsageCube::fold_session_use(SessionInfo& s, int64_t first_ms, int64_t last_ms,
                                 const Group& key, int32_t records) {
  s.first_ms = std::min(s.first_ms, first_ms);
  s.last_ms = std::max(s.last_ms, last_ms);
  if (last_ms >= s.latest_ms) {
    s.latest_ms = last_ms;
    s.author = key.author;
    s.repo = key.repo;
    s.branch = key.branch;
  }
  auto use = std::find_if(s.uses.begin(), s.uses.end(), [&key](const SessionInfo::Uses& u) {
    return u.model == key.model && u.assistant == key.assistant;
  });
  if (use == s.uses.end()) use = s.uses.insert(s.uses.end(), {key.model, key.assistant, 0});
  use->records += records;
}

void UsageCube::fold_session(SessionInfo& s, const UsageFact& f, const Group& key, int sign,
                             bool edited) {
  fold_session_use(s, f.ts_ms, f.ts_ms, key, sign);
  for (const ToolUse& tool : f.tools)
    if (tool.git_commit && !tool.commit_sha.empty() && sign > 0 &&
        std::find(s.commit_shas.begin(), s.commit_shas.end(), tool.commit_sha) ==
            s.commit_shas.end())
      s.commit_shas.push_back(tool.commit_sha);
  if (edited) {
    s.first_edit_ms = std::min(s.first_edit_ms, f.ts_ms);
    s.last_edit_ms = std::max(s.last_edit_ms, f.ts_ms);
  }
}

std::vector<std::string> UsageCube::session_authors() const {
  std::vector<std::string> out;
  std::vector<bool> seen(authors_.size(), false);
  for (const SessionInfo& s : session_info_) {
    if (s.first_ms == INT64_MAX || s.author >= seen.size() || seen[s.author]) continue;
    seen[s.author] = true;
    out.push_back(authors_.name(s.author));
  }
  return out;
}

void UsageCube::set_session(const SessionFact& f) {
  SessionInfo& s = session_info(sessions_.intern(f.session));
  s = SessionInfo{};
  s.first_ms = f.first_ms;
  s.last_ms = f.last_ms;
  s.latest_ms = f.last_ms;
  s.author = author_of(f.author);
  s.repo = repos_.intern(f.repo);
  s.branch = branches_.intern(f.branch.empty() ? std::string_view(kNoBranch) : f.branch);
  if (!f.edited_files.empty()) {
    s.first_edit_ms = f.first_edit_ms;
    s.last_edit_ms = f.last_edit_ms;
  }
  for (const std::string& path : f.edited_files)
    s.edited.emplace_back(files_.intern(path), 1);
  s.commit_shas = f.commit_shas;
  // session_activity() names the models and the assistants apart: each
  // model with each assistant says the same.
  for (const std::string& model : f.models)
    for (const std::string& assistant : f.assistants)
      s.uses.push_back({models_.intern(model), assistant_of(assistant), 1});
}

std::vector<SessionActivity> UsageCube::session_activity(int64_t from_ms, int64_t to_ms) const {
  std::vector<SessionActivity> out;
  std::vector<uint32_t> models;
  std::vector<uint16_t> assistants;
  for (size_t id = 0; id < session_info_.size(); ++id) {
    const SessionInfo& s = session_info_[id];
    if (s.first_ms == INT64_MAX) continue;
    if ((s.last_ms < from_ms || s.first_ms > to_ms) && s.commit_shas.empty()) continue;
    SessionActivity a;
    a.session = sessions_.name(static_cast<uint32_t>(id));
    a.author = authors_.name(s.author);
    a.repo = repos_.name(s.repo);
    const std::string& branch = branches_.name(s.branch);
    a.branch = branch == kNoBranch ? std::string() : branch;
    a.first_ms = s.first_ms;
    a.last_ms = s.last_ms;
    if (s.last_edit_ms != INT64_MIN) {
      a.first_edit_ms = s.first_edit_ms;
      a.last_edit_ms = s.last_edit_ms;
    }
    for (const auto& [file, count] : s.edited)
      a.edited_files.push_back(files_.name(file));
    std::sort(a.edited_files.begin(), a.edited_files.end());
    a.commit_shas = s.commit_shas;
    // Distinct ids first, then their names.
    models.clear();
    assistants.clear();
    for (const SessionInfo::Uses& u : s.uses) {
      if (u.records <= 0) continue;
      if (std::find(models.begin(), models.end(), u.model) == models.end())
        models.push_back(u.model);
      if (std::find(assistants.begin(), assistants.end(), u.assistant) == assistants.end())
        assistants.push_back(u.assistant);
    }
    for (uint32_t m : models)
      a.models.push_back(models_.name(m));
    for (uint16_t as : assistants)
      a.assistants.push_back(assistants_.name(as));
    std::sort(a.models.begin(), a.models.end());
    std::sort(a.assistants.begin(), a.assistants.end());
    out.push_back(std::move(a));
  }
  return out;
}

// The assistant's id. Past 65,535 distinct names (no tracker writes more
// than a handful) the rest share one "(other)" value.
uint16_t UsageCube::assistant_of(std::string_view assistant) {
  constexpr uint32_t kMax = UINT16_MAX;
  std::string_view name = assistant.empty() ? std::string_view("claude-code") : assistant;
  auto known = assistants_.find(name);
  if (!known && assistants_.size() >= kMax) name = "(other)";
  const uint32_t id = known ? *known : assistants_.intern(name);
  return static_cast<uint16_t>(id < kMax ? id : kMax - 1);
}

void UsageCube::add_turn_files(const UsageFact& f) {
  fold_tools(turn_of(f), f.tools, 1);
}

ToolCallCounts tool_call_counts(const std::vector<ToolUse>& tools) {
  ToolCallCounts c;
  for (const ToolUse& tool : tools) {
    if (tool.name == "Skill" || tool.name.rfind("skill:", 0) == 0) ++c.skills;
    if (tool.name.rfind("mcp:", 0) == 0) ++c.mcp;
  }
  return c;
}

uint32_t UsageCube::tasks_of(std::string_view task_keys) {
  const uint32_t id = task_sets_.intern(task_keys);
  if (id == task_set_tasks_.size()) {  // a new set: its task ids
    std::vector<uint32_t> ids;
    for (const std::string& task : attributed_tasks(task_keys))
      ids.push_back(tasks_.intern(task));
    task_set_tasks_.push_back(std::move(ids));
  }
  return id;
}

void UsageCube::fold_sums(uint32_t gid, int sign, int64_t input, int64_t output,
                          int64_t cache_create, int64_t cache_read, int64_t cost,
                          int64_t list_cost) {
  Group& g = groups_[gid];
  // Folding out subtracts what was added; a sum that would leave the int64
  // range saturates and marks the cube (queries then fail, never wrap).
  auto fold = [sign](int64_t& acc, int64_t v) {
    int64_t next = 0;
    const bool wrapped =
        sign > 0 ? __builtin_add_overflow(acc, v, &next) : __builtin_sub_overflow(acc, v, &next);
    if (!wrapped) {
      acc = next;
      return true;
    }
    acc = (sign > 0) == (v >= 0) ? INT64_MAX : INT64_MIN;
    return false;
  };
  bool ok = fold(g.input, input);
  ok &= fold(g.output, output);
  ok &= fold(g.cache_create, cache_create);
  ok &= fold(g.cache_read, cache_read);
  ok &= fold(g.cost_nanos, cost);
  ok &= fold(g.list_cost_nanos, list_cost);
  if (!ok) overflow_ = true;
  effective_stale_ = true;
}

void UsageCube::add(const UsageFact& f, int sign) {
  Group key;
  key.bucket = bucket_of(f.ts_ms);
  key.author = author_of(f);
  key.session = sessions_.intern(f.session);
  key.model = models_.intern(f.model);
  key.assistant = assistant_of(f);
  key.repo = repos_.intern(f.repo);
  key.branch = branches_.intern(f.branch.empty() ? std::string_view(kNoBranch) : f.branch);
  key.tasks = tasks_of(f.task_keys);
  key.turn = turn_of(f);
  const PricedUsage priced = pricer_->price(f.to_price());
  key.priced = priced.list_nanos.has_value();  // list and organisation prices exist together
  SessionInfo& session = session_info(key.session);
  const bool edited = fold_tools(key.turn, f.tools, sign, &session);
  fold_session(session, f, key, sign, edited);
  const uint32_t gid = group_of(key);
  Group& g = groups_[gid];
  const ToolCallCounts calls = tool_call_counts(f.tools);
  g.skills += sign * static_cast<int32_t>(calls.skills);
  g.mcp += sign * static_cast<int32_t>(calls.mcp);
  fold_sums(gid, sign, f.input, f.output, f.cache_create, f.cache_read,
            priced.org_nanos.value_or(0), priced.list_nanos.value_or(0));
  g.records += sign;
  if (!key.priced) {
    g.unpriced += sign;
    unpriced_records_ += sign;
    if ((unpriced_by_model_[key.model] += sign) == 0) unpriced_by_model_.erase(key.model);
  }
  records_ += sign;
}

void UsageCube::add_group(const GroupFact& in) {
  Group key;
  key.bucket = bucket_of(in.bucket_ms);
  key.author = author_of(in.author);
  key.session = sessions_.intern(in.session);
  key.model = models_.intern(in.model);
  key.assistant = assistant_of(in.assistant);
  key.repo = repos_.intern(in.repo);
  key.branch = branches_.intern(in.branch.empty() ? std::string_view(kNoBranch) : in.branch);
  key.tasks = tasks_of(in.task_keys);
  key.turn = turn_of(in.author, in.turn_id, in.record_id);
  key.priced = in.priced;
  // The session, as fold_session() keeps it from the records (no edits or
  // commits: those come from tool calls).
  const auto count = [](int64_t v) {
    return static_cast<int32_t>(std::clamp<int64_t>(v, 0, INT32_MAX));
  };
  fold_session_use(session_info(key.session), in.first_ms, in.last_ms, key, count(in.records));
  const uint32_t gid = group_of(key);
  Group& g = groups_[gid];
  g.skills += count(in.skills);
  g.mcp += count(in.mcp);
  fold_sums(gid, 1, in.input, in.output, in.cache_create, in.cache_read,
            in.priced ? in.cost_nanos : 0, in.priced ? in.list_cost_nanos : 0);
  g.records += count(in.records);
  if (!key.priced) {
    g.unpriced += count(in.records);
    unpriced_records_ += in.records;
    unpriced_by_model_[key.model] += in.records;
  }
  records_ += in.records;
}

size_t UsageCube::memory_bytes() const {
  size_t bytes = groups_.capacity() * sizeof(Group) + index_.capacity() * sizeof(uint32_t) +
                 groups_.size() * sizeof(uint32_t) +
                 by_session_.capacity() * sizeof(SessionGroups) + turns_.capacity() * sizeof(Turn) +
                 turn_ids_.size() * 32 + turn_hashes_.capacity() * sizeof(uint64_t) +
                 session_info_.capacity() * sizeof(SessionInfo);
  for (const Turn& t : turns_)
    bytes += t.files.capacity() * sizeof(TurnFile);
  const Dictionary* dicts[] = {&authors_,   &sessions_, &models_, &repos_,     &branches_,
                               &task_sets_, &tasks_,    &files_,  &assistants_};
  for (const Dictionary* d : dicts)
    for (size_t i = 0; i < d->size(); ++i)
      bytes += d->name(static_cast<uint32_t>(i)).capacity() + 64;
  return bytes;
}

}  // namespace codepulse::report
