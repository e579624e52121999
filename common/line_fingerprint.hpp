// Line provenance (docs/PROVENANCE.md): the keyed fingerprint of one line of
// source, the same whether the line is read from an assistant's tool call or
// from a commit's diff. Only the fingerprint is ever kept, and only on the
// laptop; the text is looked at here and dropped.
//
// Normalisation, in order: a trailing "\r" is dropped (CRLF and LF lines
// match); leading and trailing spaces and tabs are trimmed; every run of
// spaces and tabs inside becomes one space. A line that is then empty, or
// made only of brackets, braces, parentheses, semicolons and commas
// ("}", "});", "]", ","), is trivial: never fingerprinted, never counted.
// A line longer than kMaxFingerprintedLine bytes after normalisation
// (minified or generated text) is not fingerprinted either.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codepulse {

inline constexpr size_t kMaxFingerprintedLine = 4096;
inline constexpr size_t kLineKeyBytes = 32;

// The normalised line into `out`; false when the line is trivial or too long.
bool normalise_line(std::string_view line, std::string& out);

// HMAC-SHA-256 under the laptop's line key, cut to its first 64 bits (the
// store's integer key): over a million fingerprints the chance that a given
// commit line collides with any of them is about 5e-14.
class LineFingerprinter {
 public:
  // `key`: the raw secret bytes (tracker/provenance/line_key.hpp).
  explicit LineFingerprinter(std::string_view key);
  LineFingerprinter(const LineFingerprinter&) = delete;
  LineFingerprinter& operator=(const LineFingerprinter&) = delete;

  // The fingerprint of `line` (raw, normalised here), or nullopt when it is
  // trivial or too long.
  std::optional<int64_t> fingerprint(std::string_view line);
  // The fingerprint of a line already normalised.
  int64_t of_normalised(std::string_view normalised);

 private:
  // HMAC's two keyed SHA-256 states, hashed once; each line starts from a
  // copy of each (a plain copy of the state, no allocation).
  struct KeyedStates;
  struct StatesFree {
    void operator()(KeyedStates* p) const;
  };
  std::unique_ptr<KeyedStates, StatesFree> states_;
  std::string normalised_;
};

// The lines a change wrote, fingerprinted: the normalised lines of its new
// texts less those of its old texts, as multisets (a line the edit kept,
// present on both sides, was not written by it). Only the written lines are
// hashed: an edit's old text and the lines it kept are normalised and
// compared, never hashed. The texts are dropped when written() is asked.
class WrittenLines {
 public:
  void add_before(std::string_view text) { add(text, before_); }
  void add_after(std::string_view text) { add(text, after_); }
  // The fingerprints of the written lines, sorted; empties this.
  std::vector<int64_t> written(LineFingerprinter& fp);

 private:
  void add(std::string_view text, std::string& side);
  std::string before_, after_;  // normalised lines, each ending in '\n'
  std::string scratch_;
};

}  // namespace codepulse
