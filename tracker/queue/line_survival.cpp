#include "tracker/queue/line_survival.hpp"

#include <cstdio>

#include "tracker/queue/line_survival_sql.hpp"
#include "tracker/queue/store_statements.hpp"

namespace codepulse::tracker {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Result<SurvivalFile> read_row(sql::Statement& st, const std::string& db_path) {
  SurvivalFile f;
  f.repo = std::string(st.text(0));
  f.sha = std::string(st.text(1));
  f.idx = st.int64(2);
  f.root = std::string(st.text(3));
  f.path = std::string(st.text(4));
  f.committed_ms = st.int64(5);
  auto ai = unpack_prints(st.text(6));
  auto other = unpack_prints(st.text(7));
  if (!ai || !other)
    return make_error(db_path + ": line_survival row of " + f.sha + " file " +
                      std::to_string(f.idx) + ": " + (!ai ? ai : other).error().message);
  f.ai_prints = std::move(ai).value();
  f.other_prints = std::move(other).value();
  f.marks = static_cast<int>(st.int64(8));
  return f;
}

}  // namespace

std::string pack_prints(const std::vector<int64_t>& prints) {
  std::string out;
  out.reserve(prints.size() * 16);
  char buf[17];
  for (const int64_t p : prints) {
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(static_cast<uint64_t>(p)));
    out.append(buf, 16);
  }
  return out;
}

Result<std::vector<int64_t>> unpack_prints(std::string_view text) {
  if (text.size() % 16 != 0) return make_error("packed fingerprints not a multiple of 16 digits");
  std::vector<int64_t> out;
  out.reserve(text.size() / 16);
  for (size_t i = 0; i < text.size(); i += 16) {
    uint64_t v = 0;
    for (size_t j = i; j < i + 16; ++j) {
      const int d = hex_digit(text[j]);
      if (d < 0) return make_error("packed fingerprints hold a non-hexadecimal digit");
      v = (v << 4) | static_cast<uint64_t>(d);
    }
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

Status LineSurvival::add(const SurvivalFile& f) {
  auto st = db_.prepare(sql_text::kInsertSurvivalFile);
  if (!st) return st.error();
  const std::string ai = pack_prints(f.ai_prints), other = pack_prints(f.other_prints);
  return st->bind(1, f.repo)
      .bind(2, f.sha)
      .bind(3, f.idx)
      .bind(4, f.root)
      .bind(5, f.path)
      .bind(6, f.committed_ms)
      .bind(7, ai)
      .bind(8, other)
      .bind(9, int64_t{f.marks})
      .run();
}

Result<std::vector<SurvivalFile>> LineSurvival::due(int64_t now_ms, size_t limit) {
  std::vector<SurvivalFile> out;
  auto st = db_.prepare(sql_text::kSelectDueSurvival);
  if (!st) return st.error();
  st->bind(1, now_ms - 21 * kDayMs).bind(2, now_ms - 90 * kDayMs).bind(3, int64_t(limit));
  auto s = each_row(*st, [&]() -> Status {
    auto f = read_row(*st, db_.path());
    if (!f) return f.error();
    out.push_back(std::move(f).value());
    return {};
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<SurvivalFile>> LineSurvival::of_commit(const std::string& repo,
                                                          const std::string& sha,
                                                          const std::string& path) {
  std::vector<SurvivalFile> out;
  auto st = db_.prepare(sql_text::kSelectSurvivalOf);
  if (!st) return st.error();
  st->bind(1, repo).bind(2, sha).bind(3, path);
  auto s = each_row(*st, [&]() -> Status {
    auto f = read_row(*st, db_.path());
    if (!f) return f.error();
    out.push_back(std::move(f).value());
    return {};
  });
  if (!s) return s.error();
  return out;
}

Status LineSurvival::set_measured(const std::string& repo, const std::string& sha, int64_t idx,
                                  int marks) {
  auto st = db_.prepare(sql_text::kSetSurvivalMarks);
  if (!st) return st.error();
  if (auto s = st->bind(1, repo).bind(2, sha).bind(3, idx).bind(4, int64_t{marks}).run(); !s)
    return s;
  auto del = db_.prepare(sql_text::kDeleteMeasuredSurvival);
  if (!del) return del.error();
  return del->bind(1, repo).bind(2, sha).bind(3, idx).run();
}

Result<int64_t> LineSurvival::expire(int64_t cutoff_ms) {
  auto st = db_.prepare(sql_text::kExpireSurvival);
  if (!st) return st.error();
  if (auto s = st->bind(1, cutoff_ms).run(); !s) return s.error();
  return int64_t{db_.changes()};
}

Result<int64_t> LineSurvival::count() {
  return db_.scalar(sql_text::kCountSurvival);
}

}  // namespace codepulse::tracker
