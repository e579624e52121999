# Sourced by the benchmarks: measure LABEL COMMAND... runs COMMAND (output to
# $work/out.txt) and prints its CPU seconds (user + sys), elapsed time and
# peak RSS, from /usr/bin/time.
measure() {
  local label="$1"; shift
  /usr/bin/time -f "%U %S %e %M" -o "$work/time.txt" "$@" > "$work/out.txt" 2>/dev/null
  read -r user sys elapsed rss < "$work/time.txt"
  printf "%-34s cpu %6.2f s (user %.2f + sys %.2f)  elapsed %6.2f s  peak RSS %4d MiB\n" \
    "$label" "$(awk "BEGIN{print $user + $sys}")" "$user" "$sys" "$elapsed" "$((rss / 1024))"
}
