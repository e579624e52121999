# Sourced by the scan benchmarks: the tools' paths, and the generated corpus,
# made on first use. Arguments: SIZE (default 1G), SEED (default 1), and
# optionally MAX_READ_BYTES, a cap on tool results that makes a corpus dense
# in requests (codepulse-gen-corpus --max-read-bytes).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size="${1:-1G}"
seed="${2:-1}"
cap="${3:-}"
work="${BENCH_DIR:-/tmp/codepulse-bench}"
tracker="$root/build/bin/codepulse-tracker"
gen="$root/build/bin/codepulse-gen-corpus"
ccusage="${CODEPULSE_CCUSAGE:-$root/build/peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage}"
corpus="$work/corpus-$size-$seed${cap:+-cap$cap}"
if [ ! -d "$corpus/.claude/projects" ]; then
  rm -rf "$corpus"
  "$gen" --out "$corpus/.claude" --bytes "$size" --seed "$seed" --truth "$corpus/truth.json" \
    ${cap:+--max-read-bytes "$cap"}
fi
