// The Bash tool: git commits (whose SHAs the truth collects), git log, other commands, big
// outputs saved to tool-results/<id>.txt with a preview, and bash_progress counts.
#include <array>

#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench::corpus {
namespace {

// toolUseResult of a Bash call that ran to the end
std::string bash_result_json(const std::string& out, const std::string& err) {
  std::string tur;
  Json j(tur);
  j.obj().k("stdout").s(out).k("stderr").s(err).k("interrupted").b(false);
  j.k("isImage").b(false).k("noOutputExpected").b(false).end();
  return tur;
}

}  // namespace

void Gen::prep_bash(Session& s, ToolRun& t, Feat f, bool subagent) {
  std::string cmd, desc, out, err;
  bool error = false;
  const uint64_t r = rng_.below(100);
  const bool commit =
      !subagent && (f == Feat::kCommit || f == Feat::kCommitFail || (f == Feat::kNone && r < 8));
  const bool gitlog = f == Feat::kGitLog || (f == Feat::kNone && r >= 8 && r < 13);
  const bool big = !subagent && (f == Feat::kBigBash ||
                                 (f == Feat::kNone && r >= 13 && r < 16 && s.ver->nested));
  const std::string branch = s.proj->branch.empty() ? "main" : s.proj->branch;
  if (commit) {
    const std::string msg = sentence(3, 8);
    cmd = "git add -A && git commit -m \"$(cat <<'EOF'\n" + msg + "\n\n" + canary() +
          "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"";
    desc = "Commit changes";
    if (f == Feat::kCommitFail || (f == Feat::kNone && rng_.chance(1, 6))) {
      error = true;
      out = "Exit code 1\npre-commit hook failed: lint errors in 2 files " + canary();
    } else {
      const std::string sha = hex(rng_.chance(1, 5) ? 9 : 7);
      std::string head = "[" + branch;
      if (rng_.chance(1, 30)) head += " (root-commit)";
      out = head + " " + sha + "] " + msg + "\n " + itos(rng_.range(1, 9)) + " files changed, ";
      out += itos(rng_.range(1, 300)) + " insertions(+), ";
      out += itos(rng_.range(0, 90)) + " deletions(-)";
      if (!opts_.canary.empty()) out += "\n create mode 100644 " + canary();
      t.commit_sha = sha;
    }
  } else if (gitlog) {
    cmd = "git log --oneline -5";
    desc = "Show recent commits";
    for (int i = 0; i < 5; ++i) {
      out += hex(7) + " ";
      out += sentence(3, 7) + "\n";
    }
    out += canary();
  } else {
    static const std::array<const char*, 10> kCmds = {
        "npm test",        "cargo build 2>&1 | tail -40",
        "ls -la src",      "git status",
        "git diff --stat", "make -j8 2>&1 | tail -60",
        "pytest -x -q",    "rg -n 'TODO' src",
        "mix test",        "go test ./..."};
    cmd = kCmds[rng_.below(kCmds.size())];
    cmd += " # " + canary();
    desc = sentence(2, 5);
    const int64_t lines =
        big ? std::max<int64_t>(800, s.max_read_bytes / 50) : rng_.log_range(1, 60);
    if (big && !opts_.canary.empty()) out = canary() + "\n";
    for (int64_t i = 0; i < lines; ++i) {
      out += rng_.chance(1, 3) ? pool_raw_[rng_.below(pool_raw_.size())] : sentence(3, 10);
      out += '\n';
    }
    out += canary();
    if (rng_.chance(1, 6)) err = "warning: " + sentence(3, 8);
    if (!big && rng_.chance(1, 12)) {
      error = true;
      out = "Exit code 1\n" + out;
    }
    t.bash_progress = big                 ? static_cast<int>(rng_.range(3, 10))
                      : rng_.chance(1, 3) ? static_cast<int>(rng_.range(1, 8))
                                          : 0;
  }
  {
    Json j(t.input);
    j.obj().k("command").s(cmd).k("description").s(with_canary(desc));
    if (rng_.chance(1, 4)) j.k("timeout").n(120000);
    j.end();
  }
  t.has_is_error_field = true;
  t.is_error = error;
  if (big) {
    t.big_output = out;
    const std::string saved = "/home/dev/.claude/projects/" + s.proj->dir.filename().string() +
                              "/" + s.main.session_id + "/tool-results/" + t.id + ".txt";
    std::string preview = out.substr(0, 2000);
    // do not cut a UTF-8 sequence in half
    while (!preview.empty() && (static_cast<unsigned char>(preview.back()) & 0xC0) == 0x80) {
      preview.pop_back();
    }
    if (!preview.empty() && static_cast<unsigned char>(preview.back()) >= 0xC0) {
      preview.pop_back();
    }
    const std::string msg = "Output too large (" + itos(static_cast<int64_t>(out.size()) / 1024) +
                            "KB). Full output saved to: " + saved + "\n\nPreview (first 2KB):\n" +
                            preview;
    t.content_json = json_string(msg);
    t.tur_json = bash_result_json(preview, "");
    t.result_tokens = 700;
    return;
  }
  t.content_json = json_string(out + (err.empty() ? "" : "\n" + err));
  if (error) {
    t.tur_json = json_string("Error: " + out);
  } else {
    t.tur_json = bash_result_json(out, err);
  }
  t.result_tokens = static_cast<int64_t>(out.size()) / 4 + 10;
}

}  // namespace codepulse::bench::corpus
