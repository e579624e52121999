# Sourced by the scan benchmarks: the tools' paths, and the generated corpus,
# made on first use. Arguments: SIZE (default 1G), SEED (default 1), and
# optionally MAX_READ_BYTES, a cap on tool results that makes a corpus dense
# in requests (codepulse-gen-corpus --max-read-bytes).
source "$(dirname "${BASH_SOURCE[0]}")/tools_env.sh"
size="${1:-1G}"
seed="${2:-1}"
cap="${3:-}"
work="${BENCH_DIR:-/tmp/codepulse-bench}"
gen="${BENCH_BIN:-$root/build/bin}/codepulse-gen-corpus"
corpus="$work/corpus-$size-$seed${cap:+-cap$cap}"
if [ ! -d "$corpus/.claude/projects" ]; then
  rm -rf "$corpus"
  "$gen" --out "$corpus/.claude" --bytes "$size" --seed "$seed" --truth "$corpus/truth.json" \
    ${cap:+--max-read-bytes "$cap"}
fi
