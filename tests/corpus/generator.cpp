// generate_corpus: the whole run. Sessions until the target size (the first ones forced to carry
// every shape), resumed sessions that start with a copy of an earlier one, then the totals.
#include "tests/corpus/generator.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench {
namespace corpus {

std::unique_ptr<Session> Gen::make_session(int index, Project* p, const VerInfo* v, Model m) {
  auto s = std::make_unique<Session>();
  s->proj = p;
  s->ver = v;
  s->model = m;
  s->thinking = m != Model::Haiku45 && rng_.chance(3, 4);
  const uint64_t ttl = rng_.below(10);
  s->ttl = ttl < 6 ? 0 : ttl < 9 ? 1 : 2;
  s->cc_zero_bug = v->all_final && rng_.chance(1, 10);
  s->want_last_prompt = v->all_final || rng_.chance(1, 4);
  s->summary_first = rng_.chance(1, 12);
  s->want_btw = v->nested && v->request_id && rng_.chance(1, 40);
  s->want_journal = v->nested && rng_.chance(1, 30);
  if (rng_.chance(3, 4)) {
    s->hooks_pre = static_cast<int>(rng_.range(0, 3));
    s->hooks_post = static_cast<int>(rng_.range(1, 4));
  }
  const std::string sid = uuid();
  s->dir = p->dir / sid;
  Chain& c = s->main;
  c.cwd = p->cwd;
  c.session_id = sid;
  c.version = v->str;
  c.branch = p->branch;
  static const std::array<const char*, 12> kSlugWords = {
      "radiant", "floating", "music",    "lexical", "painting", "whisper",
      "humble",  "seeking",  "umbrella", "quiet",   "copper",   "harbor"};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) c.slug += '-';
    c.slug += kSlugWords[rng_.below(kSlugWords.size())];
  }
  const int64_t target = static_cast<int64_t>(opts_.target_bytes);
  const int64_t frac = std::min<int64_t>(written_, target);
  const int64_t span = 60 * kDayMs;
  const int64_t when =
      target > 0 ? static_cast<int64_t>(static_cast<double>(frac) / static_cast<double>(target) *
                                        static_cast<double>(span))
                 : 0;
  c.now = opts_.start_ms + when + rng_.range(0, 8 * 3'600'000);
  s->budget_end = written_ + base_budget_ * rng_.range(30, 170) / 100;
  s->max_read_bytes = std::clamp<int64_t>(base_budget_ / 3, 8'000, 220'000);
  if (opts_.max_read_bytes > 0)
    s->max_read_bytes = std::min(s->max_read_bytes, opts_.max_read_bytes);
  s->x.ctx = rng_.range(9'000, 14'000);
  s->x.pending = rng_.range(3'000, 16'000);
  (void)index;
  return s;
}

// The first sessions carry every shape a small corpus must contain.
void Gen::force_shapes(int index, Session& s) {
  if (index == 0) {
    s.thinking = true;
    s.ttl = 2;
    s.want_btw = true;
    s.want_journal = true;
    s.want_compact = true;
    s.want_last_prompt = true;
    s.summary_first = true;
    s.forced = {Feat::kTaskNested,  Feat::kEdit,        Feat::kTaskProgressOnly, Feat::kCommit,
                Feat::kWriteCreate, Feat::kSkillFork,   Feat::kGitLog,           Feat::kEditOutside,
                Feat::kBigBash,     Feat::kWriteUpdate, Feat::kEditPrefixTrap,   Feat::kMultiEdit,
                Feat::kCommitFail,  Feat::kEditError,   Feat::kBigRead,          Feat::kGrep,
                Feat::kGlob,        Feat::kMcp,         Feat::kSynthetic,        Feat::kNoFinal};
    if (opts_.include_web_search) s.forced.push_back(Feat::kWebSearch);
    if (opts_.include_bad_lines) {
      for (Feat f : {Feat::kTornHook, Feat::kTornAssistant, Feat::kTornOnlyLine, Feat::kInvalidJson,
                     Feat::kInvalidUtf8, Feat::kNoTimestamp}) {
        s.forced.push_back(f);
      }
    }
  } else if (index == 2) {
    s.forced = {Feat::kTaskFlat, Feat::kMultiEdit, Feat::kEdit};
  } else if (index == 3) {
    s.ttl = 1;
    s.forced = {Feat::kTaskNested, Feat::kEdit, Feat::kCommit};
  } else if (index == 4) {
    s.cc_zero_bug = true;
    s.forced = {Feat::kTaskNested, Feat::kWriteCreate, Feat::kEdit};
    if (opts_.include_long_context) {
      s.long_ctx = true;
      s.x.ctx = rng_.range(205'000, 260'000);  // a resumed 1M-context conversation
    }
  }
}

CorpusTruth Gen::run() {
  projects_root_ = fs::path(opts_.root) / "projects";
  std::error_code ec;
  if (fs::exists(projects_root_, ec) && !fs::is_empty(projects_root_, ec)) {
    throw std::runtime_error(projects_root_.string() + " already exists and is not empty");
  }
  fs::create_directories(projects_root_, ec);
  if (ec) {
    throw std::runtime_error("cannot create " + projects_root_.string() + ": " + ec.message());
  }
  const auto target = static_cast<int64_t>(opts_.target_bytes);
  base_budget_ = std::clamp<int64_t>(target / 6, 48 << 10, 3 << 20);
  build_code_pool();
  setup_projects();

  const std::array<const VerInfo*, 6> kVers = {&kV2139,  &kV2139, &kV21112,
                                               &kV21112, &kV2138, &kV2163};
  constexpr int kForcedSessions = 5;
  int index = 0;
  while (written_ < target || index < kForcedSessions) {
    const auto np = static_cast<int64_t>(projects_.size());
    Project* p = nullptr;
    const VerInfo* v = nullptr;
    Model m = Model::Opus46;
    if (index < kForcedSessions) {
      static const std::array<int, 5> kProj = {0, 0, 1, 2, 3};
      p = &projects_[static_cast<size_t>(kProj[static_cast<size_t>(index)] % np)];
      static const std::array<const VerInfo*, 5> kForcedVers = {&kV2139, &kV2139, &kV2076, &kV2163,
                                                                &kV21112};
      v = kForcedVers[static_cast<size_t>(index)];
      static const std::array<Model, 5> kForcedModels = {
          Model::Opus46, Model::Opus46, Model::Opus41, Model::Sonnet46, Model::Sonnet45};
      m = kForcedModels[static_cast<size_t>(index)];
    } else {
      // busier projects first
      int64_t pi = rng_.range(0, np * (np + 1) / 2 - 1);
      int64_t k = 0;
      while (pi >= np - k) {
        pi -= np - k;
        ++k;
      }
      p = &projects_[static_cast<size_t>(k)];
      v = rng_.chance(1, 10) ? &kV2076 : kVers[rng_.below(kVers.size())];
      const uint64_t mr = rng_.below(20);
      m = mr < 9    ? Model::Opus46
          : mr < 13 ? Model::Sonnet45
          : mr < 16 ? Model::Sonnet46
          : mr < 18 ? Model::Opus41
                    : Model::Haiku45;
      if (v == &kV2076 && (m == Model::Opus46 || m == Model::Sonnet46)) m = Model::Sonnet45;
    }
    auto s = make_session(index, p, v, m);
    if (index < kForcedSessions) {
      s->budget_end = written_ + std::min<int64_t>(base_budget_, 600 << 10);
    }
    std::unique_ptr<Session> cont;
    force_shapes(index, *s);
    if (index >= kForcedSessions && opts_.include_long_context && m == Model::Sonnet45 &&
        rng_.chance(1, 3)) {
      s->long_ctx = true;
    }
    // resumed sessions: the next session file starts with a verbatim copy of this one's prefix
    if (index == 0 || (index >= kForcedSessions && v->request_id && rng_.chance(1, 12))) {
      cont = make_session(index + 1, p, v, m);
      cont->thinking = s->thinking;
      cont->ttl = s->ttl;
      cont->long_ctx = s->long_ctx;
      open_file(cont->file, p->dir / (cont->main.session_id + ".jsonl"));
      cont->main.out = &cont->file;
      summary_line(cont->main);
      s->main.tee = &cont->file;
      s->main.tee_limit = (s->budget_end - written_) * rng_.range(25, 70) / 100;
      if (index == 0) cont->forced = {Feat::kEdit, Feat::kCommit};
    }
    open_file(s->file, p->dir / (s->main.session_id + ".jsonl"));
    s->main.out = &s->file;
    run_session(*s);
    close_file(s->file);
    ++index;
    if (cont) {
      cont->main.last_uuid = tee_last_uuid_;
      cont->main.now = std::max(s->main.now, tee_end_ms_) + rng_.range(3'600'000, 30 * 3'600'000);
      cont->main.slug_on = true;
      cont->x.pending = rng_.range(20'000, 80'000);
      cont->budget_end = written_ + base_budget_ * rng_.range(30, 120) / 100;
      if (index < kForcedSessions)
        cont->budget_end = written_ + std::min<int64_t>(base_budget_, 300 << 10);
      run_session(*cont);
      close_file(cont->file);
      ++index;
    }
  }

  total_by_day_model();
  return std::move(truth_);
}

}  // namespace corpus

CorpusTruth generate_corpus(const CorpusOptions& opts) {
  corpus::Gen g(opts);
  return g.run();
}

}  // namespace codepulse::bench
