#include "tracker/git/duplicate_blocks.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>
#include <unordered_map>

namespace codepulse::tracker {
namespace {

uint64_t window_hash(const int64_t* p) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < kBlockLines; ++i)
    h = (h ^ static_cast<uint64_t>(p[i])) * 1099511628211ull;
  return h;
}

// `git grep <options> <sha> --` (options ending with the -e patterns): each
// answer after its "<sha>:", with git's cut flag; the records of a path
// holding a newline are joined back into one answer. git's exit status 1
// (nothing matched) is no error.
Status each_grep_answer(const GitRunner& git, const std::string& root, const std::string& sha,
                        std::vector<std::string> args,
                        const std::function<Status(std::string_view, bool)>& take) {
  args.insert(args.begin(), "grep");
  args.insert(args.end(), {sha, "--"});
  const std::string prefix = sha + ":";
  std::string joined;
  auto s = git.run(root, args, '\n', [&](std::string_view part, bool cut) -> Status {
    if (!cut && part.find('\0') == std::string_view::npos) {
      joined.append(part).push_back('\n');
      return {};
    }
    const std::string record = joined + std::string(part);
    joined.clear();
    if (record.compare(0, prefix.size(), prefix) != 0)
      return make_error("`git grep` in " + root + ": unexpected output");
    return take(std::string_view(record).substr(prefix.size()), cut);
  });
  if (!s && s.error().message.find("exited with status 1") != std::string::npos) return {};
  return s;
}

std::vector<std::string> grep_options(std::initializer_list<const char*> options,
                                      const std::vector<std::string>& patterns, size_t first,
                                      size_t last) {
  std::vector<std::string> args(options.begin(), options.end());
  for (size_t i = first; i < last; ++i) {
    args.push_back("-e");
    args.push_back(patterns[i]);
  }
  return args;
}

// `git grep -c -z` of the block's lines at `sha`: the files holding any of
// them, with how many of their lines do ("<path>\0<count>").
Result<std::vector<std::pair<int64_t, std::string>>> grep_candidates(
    const GitRunner& git, const std::string& root, const std::string& sha,
    const std::vector<std::string>& patterns) {
  std::vector<std::pair<int64_t, std::string>> out;
  const auto options =
      grep_options({"-F", "-I", "-c", "-z", "--no-color", "--no-recurse-submodules"}, patterns, 0,
                   patterns.size());
  auto s =
      each_grep_answer(git, root, sha, options, [&](std::string_view line, bool cut) -> Status {
        if (cut) return Status{};
        const size_t nul = line.find('\0');
        int64_t n = 0;
        const std::string_view count = line.substr(nul + 1);
        auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
        if (ec != std::errc() || end != count.data() + count.size())
          return make_error("`git grep` in " + root + ": a count that is not a number");
        out.emplace_back(n, std::string(line.substr(0, nul)));
        return Status{};
      });
  if (!s) return s.error();
  return out;
}

// Where the commit's blocks' lines occur at `sha`: one `git grep -o -n` of
// all of them ("<sha>:<path>\0<line>\0<matched text>"), a few when the
// command line would grow long. Per path and line number, the patterns git
// matched there (leftmost, not overlapping). nullopt when a line was cut or
// past `max_hits` matches: then each block asks git grep -c on its own.
constexpr size_t kPatternsPerGrep = 256, kPatternBytesPerGrep = 64 * 1024;
using LineHits = std::unordered_map<std::string, std::map<int64_t, std::vector<size_t>>>;

Result<std::optional<LineHits>> grep_all(const GitRunner& git, const std::string& root,
                                         const std::string& sha,
                                         const std::vector<std::string>& patterns,
                                         size_t max_hits) {
  LineHits hits;
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < patterns.size(); ++i)
    index.emplace(patterns[i], i);
  size_t count = 0;
  bool unsure = false;
  for (size_t first = 0; first < patterns.size();) {
    size_t bytes = 0, last = first;
    for (; last < patterns.size() && last - first < kPatternsPerGrep &&
           (last == first || bytes + patterns[last].size() <= kPatternBytesPerGrep);
         ++last)
      bytes += patterns[last].size();
    const auto options =
        grep_options({"-F", "-I", "-n", "-o", "-z", "--no-color", "--no-recurse-submodules"},
                     patterns, first, last);
    first = last;
    auto s =
        each_grep_answer(git, root, sha, options, [&](std::string_view line, bool cut) -> Status {
          const size_t a = line.find('\0');
          const size_t b = a == std::string_view::npos ? a : line.find('\0', a + 1);
          int64_t number = 0;
          const std::string_view n =
              b == std::string_view::npos ? "" : line.substr(a + 1, b - a - 1);
          auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), number);
          const auto matched =
              b == std::string_view::npos ? index.end() : index.find(line.substr(b + 1));
          if (cut || ec != std::errc() || end != n.data() + n.size() || matched == index.end() ||
              ++count > max_hits) {
            unsure = true;
            return make_error("stop");
          }
          hits[std::string(line.substr(0, a))][number].push_back(matched->second);
          return Status{};
        });
    if (unsure) return std::optional<LineHits>();
    if (!s) return s.error();
  }
  return std::optional<LineHits>(std::move(hits));
}

// The files holding any of `mine` (pattern numbers), with how many of their
// lines do, from one grep of every block.
std::vector<std::pair<int64_t, std::string>> candidates_of(const LineHits& hits,
                                                           const std::vector<size_t>& mine) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const auto& [path, lines] : hits) {
    int64_t n = 0;
    for (const auto& [number, matched] : lines)
      if (std::any_of(matched.begin(), matched.end(), [&](size_t m) {
            return std::find(mine.begin(), mine.end(), m) != mine.end();
          }))
        ++n;
    if (n > 0) out.emplace_back(n, path);
  }
  return out;
}

}  // namespace

std::vector<AddedBlock> find_blocks(const std::vector<bool>& ai,
                                    const std::vector<size_t>& hunk_starts) {
  std::vector<AddedBlock> out;
  size_t run_start = 0;
  auto end_run = [&](size_t end) {
    if (end - run_start >= kBlockLines) out.push_back({run_start, end - run_start, ai[run_start]});
    run_start = end;
  };
  size_t next_hunk = 0;
  for (size_t i = 0; i < ai.size(); ++i) {
    bool hunk = false;
    while (next_hunk < hunk_starts.size() && hunk_starts[next_hunk] <= i) {
      hunk = hunk || hunk_starts[next_hunk] == i;
      ++next_hunk;
    }
    if (i > run_start && (hunk || ai[i] != ai[run_start])) end_run(i);
  }
  if (!ai.empty()) end_run(ai.size());
  return out;
}

std::unordered_map<uint64_t, int64_t> window_counts(const std::vector<int64_t>& prints) {
  std::unordered_map<uint64_t, int64_t> out;
  for (size_t i = 0; i + kBlockLines <= prints.size(); ++i)
    ++out[window_hash(&prints[i])];
  return out;
}

bool add_block_windows(const std::map<std::string, AddedFileLines>& files,
                       const DuplicationLimits& limits, std::unordered_set<uint64_t>& out) {
  size_t blocks = 0;
  for (const auto& [path, lines] : files)
    for (const AddedBlock& b : find_blocks(lines.ai, lines.hunk_starts)) {
      if (blocks++ >= limits.max_blocks) return true;
      for (size_t i = b.first; i + kBlockLines <= b.first + b.count; ++i)
        out.insert(window_hash(&lines.prints[i]));
    }
  return blocks > 0;
}

std::map<std::string, BlockCounts> count_blocks_in_tree(
    const std::map<std::string, AddedFileLines>& files, const DuplicationLimits& limits,
    const std::unordered_map<uint64_t, int64_t>& tree_windows) {
  std::map<std::string, BlockCounts> out;
  size_t blocks = 0;
  for (const auto& [path, lines] : files)
    for (const AddedBlock& b : find_blocks(lines.ai, lines.hunk_starts)) {
      if (blocks++ >= limits.max_blocks) return out;
      BlockCounts& counts = out[path];
      (b.ai ? counts.ai_blocks : counts.other_blocks) += 1;
      const std::vector<int64_t> own_prints(lines.prints.begin() + b.first,
                                            lines.prints.begin() + b.first + b.count);
      bool repeated = false;
      for (const auto& [w, n] : window_counts(own_prints)) {
        const auto at = tree_windows.find(w);
        if (at != tree_windows.end() && at->second > n) repeated = true;
      }
      if (repeated) (b.ai ? counts.ai_repeated : counts.other_repeated) += 1;
    }
  return out;
}

Result<std::map<std::string, BlockCounts>> count_duplicate_blocks(
    const GitRunner& git, GitObjects& objects, const std::string& root, const std::string& sha,
    const std::map<std::string, AddedFileLines>& files, LineFingerprinter& fp,
    const DuplicationLimits& limits) {
  std::map<std::string, BlockCounts> out;
  std::map<std::string, std::unordered_map<uint64_t, int64_t>> read;  // path -> its windows
  auto windows_of =
      [&](const std::string& path) -> Result<const std::unordered_map<uint64_t, int64_t>*> {
    if (auto it = read.find(path); it != read.end()) return &it->second;
    if (read.size() >= limits.max_files_read) return nullptr;
    std::vector<int64_t> prints;
    auto s = objects.read_blob(sha + ":" + path, [&](std::string_view line, bool cut) {
      if (!cut)
        if (auto p = fp.fingerprint(line)) prints.push_back(*p);
      return Status{};
    });
    if (!s) return s.error();
    if (!*s) return make_error(path + " is not in " + sha);
    return &(read[path] = window_counts(prints));
  };
  // The blocks first, each with its lines' texts; then one grep for all.
  struct Block {
    const std::string* path;
    const AddedFileLines* lines;
    AddedBlock b;
    std::vector<size_t> patterns;  // into `patterns`
  };
  std::vector<Block> blocks;
  std::vector<std::string> patterns;
  std::unordered_map<std::string, size_t> pattern_at;
  for (const auto& [path, lines] : files) {
    for (const AddedBlock& b : find_blocks(lines.ai, lines.hunk_starts)) {
      if (blocks.size() >= limits.max_blocks) break;
      Block& block = blocks.emplace_back(Block{&path, &lines, b, {}});
      for (size_t i = b.first; i < b.first + b.count && block.patterns.size() < limits.max_patterns;
           ++i) {
        if (i >= lines.texts.size()) continue;
        auto [at, fresh] = pattern_at.try_emplace(lines.texts[i], patterns.size());
        if (fresh) patterns.push_back(lines.texts[i]);
        if (std::find(block.patterns.begin(), block.patterns.end(), at->second) ==
            block.patterns.end())
          block.patterns.push_back(at->second);
      }
    }
  }
  std::optional<LineHits> hits;
  if (!blocks.empty()) {
    auto all = grep_all(git, root, sha, patterns, limits.max_grep_hits);
    if (!all) return all.error();
    hits = std::move(all).value();
  }
  for (const Block& block : blocks) {
    const std::string& path = *block.path;
    const AddedFileLines& lines = *block.lines;
    const AddedBlock& b = block.b;
    BlockCounts& counts = out[path];
    (b.ai ? counts.ai_blocks : counts.other_blocks) += 1;
    // The block's windows, and how often it holds each itself.
    const std::vector<int64_t> own_prints(lines.prints.begin() + b.first,
                                          lines.prints.begin() + b.first + b.count);
    const auto own = window_counts(own_prints);
    // The files worth reading: the block's own, then those holding most of its lines.
    std::vector<std::pair<int64_t, std::string>> found;
    if (hits) {
      found = candidates_of(*hits, block.patterns);
    } else {
      std::vector<std::string> texts;
      for (const size_t p : block.patterns)
        texts.push_back(patterns[p]);
      auto one = grep_candidates(git, root, sha, texts);
      if (!one) return one.error();
      found = std::move(one).value();
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& c) {
      return a.first > c.first || (a.first == c.first && a.second < c.second);
    });
    std::vector<std::string> candidates = {path};
    for (const auto& [n, p] : found)
      if (p != path && candidates.size() <= limits.candidates_per_block) candidates.push_back(p);
    bool repeated = false;
    for (const std::string& candidate : candidates) {
      auto windows = windows_of(candidate);
      if (!windows) return windows.error();
      if (*windows == nullptr) break;  // the reading budget is spent
      for (const auto& [w, n] : own) {
        const auto at = (*windows)->find(w);
        const int64_t there = at == (*windows)->end() ? 0 : at->second;
        // In its own file the block's copies are expected; anywhere else, any copy repeats it.
        if (there > (candidate == path ? n : 0)) repeated = true;
      }
      if (repeated) break;
    }
    if (repeated) (b.ai ? counts.ai_repeated : counts.other_repeated) += 1;
  }
  return out;
}

}  // namespace codepulse::tracker
