# Sourced by the benchmarks: `generated_store RECORDS [AUTHORS]` prints the
# path of the report benchmark's store of RECORDS records from AUTHORS authors
# (default 200) in $work, generating it the first time (slow for 10 million:
# minutes) and reusing it afterwards.
# Needs $work and $bin set by the caller.
generated_store() {
  local authors="${2:-200}" db="$work/store-$1.db"
  [ "$authors" = 200 ] || db="$work/store-$1-$authors.db"
  if [ ! -f "$db" ]; then
    "$bin/codepulse-bench-report" generate --db "$db.tmp" --records "$1" --authors "$authors" >&2
    mv "$db.tmp" "$db"
  fi
  echo "$db"
}
