# Sourced by the benchmarks: the tools' paths, and measure LABEL COMMAND...,
# which runs COMMAND (its output into $work/out.txt) and prints its CPU
# seconds (user+sys), elapsed seconds and peak RSS, from /usr/bin/time.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tracker="$root/build/bin/codepulse-tracker"
ccusage="${CODEPULSE_CCUSAGE:-$root/build/peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage}"

measure() {
  local label="$1"; shift
  /usr/bin/time -f "%U %S %e %M" -o "$work/time.txt" "$@" > "$work/out.txt" 2>/dev/null
  read -r user sys elapsed rss < "$work/time.txt"
  printf "%-36s cpu %6.2f s (user %.2f + sys %.2f)  elapsed %6.2f s  peak RSS %4d MiB\n" \
    "$label" "$(awk "BEGIN{print $user + $sys}")" "$user" "$sys" "$elapsed" "$((rss / 1024))"
}
