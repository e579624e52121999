#!/usr/bin/env bash
# The tracker's git metadata pass on a generated repository (docs/BENCHMARKS.md,
# "Git metadata"): COMMITS commits over the last 90 days touching FILES files,
# each rewriting a few lines of earlier commits (so rework is counted), read
# by `codepulse-tracker scan` once from nothing (the 90-day history, rework of
# every commit) and once more with nothing new.
#   bench/git_scan.sh [COMMITS] [FILES] [off]   (default 3000 commits, 200 files;
#   "off": with line_provenance off, to see what matching the lines adds)
# BENCH_BIN: the folder holding codepulse-tracker (default build/bin).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
commits="${1:-3000}"
files="${2:-200}"
provenance=true
[ "${3:-}" = off ] && provenance=false
bin="${BENCH_BIN:-$root/build/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
mkdir -p "$repo"
git -C "$repo" init -q -b main
git -C "$repo" remote add origin https://github.com/acme/bench.git

# The history as a git fast-import stream: each commit rewrites 1-3 files
# whole with 40 lines, a quarter of them changed, one commit an hour or so.
now=$(date +%s)
start=$((now - 89 * 86400))
python3 - "$commits" "$files" "$start" > "$work/stream" <<'PY'
import random, sys
commits, files, start = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
content = {f: [f"line {i} of file {f} v0" for i in range(40)] for f in range(files)}
step = (89 * 86400) // max(commits, 1)
out = sys.stdout
for c in range(commits):
    t = start + c * step
    msg = f"PROJ-{c % 50 + 1}: change {c}\n"
    if c % 3 == 0:
        msg += "\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    out.write("commit refs/heads/main\n")
    out.write(f"committer Dev <dev@acme.example> {t} +0000\n")
    out.write(f"data {len(msg.encode())}\n{msg}\n")
    for f in rng.sample(range(files), rng.randint(1, 3)):
        lines = content[f]
        for i in rng.sample(range(len(lines)), 10):
            lines[i] = f"line {i} of file {f} v{c}"
        if rng.random() < 0.3:
            lines.append(f"added in {c}")
        body = ("\n".join(lines) + "\n").encode()
        out.write(f"M 644 inline src/f{f}.txt\ndata {len(body)}\n")
        out.flush()
        sys.stdout.buffer.write(body)
        out.write("\n")
PY
git -C "$repo" fast-import --quiet < "$work/stream"
git -C "$repo" checkout -q main

# One transcript line whose session ran in the repository.
mkdir -p "$work/claude/projects/bench"
ts="$(date -u -d @"$now" +%Y-%m-%dT%H:%M:%S.000Z)"
printf '%s\n' "{\"parentUuid\":null,\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"$repo\",\"sessionId\":\"b0000000-0000-4000-8000-000000000001\",\"version\":\"2.1.39\",\"gitBranch\":\"main\",\"message\":{\"model\":\"claude-opus-4-6\",\"id\":\"msg_bench1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":5}},\"requestId\":\"req_bench1\",\"type\":\"assistant\",\"uuid\":\"u-bench-1\",\"timestamp\":\"$ts\"}" \
  > "$work/claude/projects/bench/session.jsonl"

run() {
  /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KiB peak RSS" \
    "$bin/codepulse-tracker" scan --claude-dir "$work/claude" --state "$work/state" --json \
    --set "line_provenance=$provenance" --author dev@acme.example \
    > "$work/$1.json" 2> "$work/$1.time"
  python3 - "$work/$1.json" "$1" "$(tail -1 "$work/$1.time")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}: commits_new {d.get('commits_new')}, commits_known {d.get('commits_known')}, "
      f"git_repos {d.get('git_repos')}; {sys.argv[3]}")
PY
}
echo "repository: $commits commits over 89 days, $files files"
run first
run again
sqlite3 "$work/state/tracker.db" \
  "SELECT 'queued commits: ' || count(*) FROM git_commits" 2>/dev/null || true
