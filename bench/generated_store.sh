# Sourced by the benchmarks: `generated_store RECORDS` prints the path of the
# report benchmark's store of RECORDS records in $work, generating it the first
# time (slow for 10 million: minutes) and reusing it afterwards.
# Needs $work and $bin set by the caller.
generated_store() {
  local db="$work/store-$1.db"
  if [ ! -f "$db" ]; then
    "$bin/codepulse-bench-report" generate --db "$db.tmp" --records "$1" >&2
    mv "$db.tmp" "$db"
  fi
  echo "$db"
}
