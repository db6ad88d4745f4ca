#!/usr/bin/env bash
# Instructions executed per event, counted by valgrind's callgrind inside the measured functions
# only: the feature engine's onBook/onTrade per event, the same engine as the Signals stage calls it
# (trades through absorbTrade; its vectors after book events must hash as onTrade's do), and the
# Book stage (BookReplay.run: parse, sync, book) per frame, on a real capture. Also the 64-bit
# integer divisions (div/idiv) and the double-precision divisions and square roots per event, from
# the instruction-level counts (objdump finds those instructions in the binary). Counts are exact
# and the same on every run of the same binary, whatever load the machine is under: compare two
# builds with them, and time with the package-benchmark suites.
#
# usage: count.sh BINARY [PASSES] [CAPTURE...]   (BINARY: a release build of InstructionCounts)
# With MAX_FEATURE_INSTRUCTIONS, MAX_SIGNALS_INSTRUCTIONS and/or MAX_BOOK_INSTRUCTIONS set, it fails
# when a count per event or frame is above them (`make instructions-check`, part of `make test`).
set -euo pipefail
binary=$1
passes=${2:-10}
captures=("${@:3}")
command -v valgrind >/dev/null || apt-get install -y valgrind binutils >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 that the toolchain writes; symbols are enough.
cp "$binary" "$work/bin"
strip --strip-debug "$work/bin"
objdump -d --no-show-raw-insn "$work/bin" | awk '$2 ~ /^i?div[bwlq]?$/ { sub(":", "", $1); print $1 }' > "$work/idiv"
objdump -d --no-show-raw-insn "$work/bin" | awk '$2 ~ /^v?(div|sqrt)[sp]d$/ { sub(":", "", $1); print $1 }' > "$work/fdiv"

# count NAME UNIT LIMIT TOGGLE...: runs the workload NAME, prints instructions and divisions per
# UNIT, fails above LIMIT instructions per UNIT (none when empty).
count() {
    local name=$1 unit=$2 limit=$3
    shift 3
    local toggles=()
    for t in "$@"; do toggles+=("--toggle-collect=$t"); done
    # Deterministic hashing: Swift seeds Set/Dictionary hashing per process otherwise.
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$work/$name.out" --dump-instr=yes --compress-pos=no \
        --compress-strings=no "${toggles[@]}" "$work/bin" "$name" "$passes" "${captures[@]}" > "$work/$name.log" 2> "$work/$name.err" ||
        { cat "$work/$name.err" >&2; exit 1; }
    local line events
    line=$(grep -E "^$name " "$work/$name.log")
    events=$(echo "$line" | grep -oE "(events|frames) [0-9]+" | awk '{ print $2 }')
    awk -v events="$events" -v name="$name" -v unit="$unit" -v line="$line" -v limit="$limit" '
        FILENAME ~ /idiv$/ { idiv["0x" $1] = 1; next }
        FILENAME ~ /fdiv$/ { fdiv["0x" $1] = 1; next }
        /^ob=/ { ours = ($0 ~ /\/bin$/); next }
        /^calls=/ { skip = 1; next }
        /^0x/ {
            if (skip) { skip = 0; next }
            if (ours) { if ($1 in idiv) d += $3; if ($1 in fdiv) f += $3 }
            next
        }
        /^summary:/ { total = $2 }
        END {
            printf "%s: %s\n", name, line
            printf "  %.0f instructions per %s (%.0f in all), %.2f integer divisions, %.2f double divisions/square roots\n",
                total / events, unit, total, d / events, f / events
            if (limit != "" && total / events > limit + 0) {
                printf "  FAIL: more than %d instructions per %s\n", limit, unit
                exit 1
            }
        }' "$work/idiv" "$work/fdiv" "$work/$name.out"
    # Book events and trades apart: the inclusive counts of the first toggle (onBook) and the second.
    if [[ $line =~ \(book\ ([0-9]+),\ trade\ ([0-9]+)\) ]]; then
        local books=${BASH_REMATCH[1]} trades=${BASH_REMATCH[2]}
        callgrind_annotate --inclusive=yes "$work/$name.out" > "$work/$name.annotated"
        inclusive() { grep -F "???:${1%\*}" "$work/$name.annotated" | head -1 | awk '{ gsub(",", "", $1); print $1 }'; }
        local b t
        b=$(inclusive "$1")
        t=$(inclusive "$2")
        awk -v b="${b:-0}" -v t="${t:-0}" -v nb="$books" -v nt="$trades" -v f="$2" 'BEGIN {
            sub(/^.*FeatureEngineV[0-9]+/, "", f); sub(/[^A-Za-z].*$/, "", f)
            printf "  %.0f per book event (onBook), %.0f per trade (%s)\n", b / nb, t / nt, f }'
    fi
}

cd "$(dirname "$0")/../.."
count features event "${MAX_FEATURE_INSTRUCTIONS:-}" '$s9Analytics13FeatureEngineV6onBook*' '$s9Analytics13FeatureEngineV7onTrade*'
count signals event "${MAX_SIGNALS_INSTRUCTIONS:-}" '$s9Analytics13FeatureEngineV6onBook*' '$s9Analytics13FeatureEngineV11absorbTrade*'
# The Signals stage's calls must leave the vectors onTrade leaves after every book event.
features_hash=$(grep -oE "book-hash [0-9a-f]+" "$work/features.log")
signals_hash=$(grep -oE "book-hash [0-9a-f]+" "$work/signals.log")
if [ "$features_hash" != "$signals_hash" ]; then
    echo "FAIL: absorbTrade changed the vectors after book events ($features_hash with onTrade, $signals_hash with absorbTrade)"
    exit 1
fi
count book frame "${MAX_BOOK_INSTRUCTIONS:-}" '$s10MarketData10BookReplayO3run_6routes4feedAA0cD8Counters*'
