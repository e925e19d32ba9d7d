#!/usr/bin/env bash
# Runs the whole test suite N times on a loaded machine and lists every test that failed, to find the
# timing-dependent ones before CI does. Each run uses a fresh clone of COMMIT (default HEAD) and keeps
# one busy-looping process per core running for its whole duration.
#
# Usage: scripts/loaded-test-runs.sh [-n RUNS] [-c COMMIT] [-o OUT_DIR]
#   -n  number of full runs           (default 5)
#   -c  commit to test                (default HEAD)
#   -o  where logs and summary go     (default ./target/loaded-runs)
# Prints, per run, its duration and each failed test with its message; ends with the totals.
set -u
runs=5
commit=HEAD
out=target/loaded-runs
while getopts "n:c:o:h" opt; do
  case "$opt" in
    n) runs="$OPTARG" ;;
    c) commit="$OPTARG" ;;
    o) out="$OPTARG" ;;
    *) sed -n '2,9p' "$0"; exit 1 ;;
  esac
done
repo=$(cd "$(dirname "$0")/.." && pwd)
sha=$(git -C "$repo" rev-parse "$commit") || exit 1
mkdir -p "$out"
out=$(cd "$out" && pwd)
summary="$out/summary.txt"
: > "$summary"
spinners=()
stop_spinners() { for p in "${spinners[@]}"; do kill "$p" 2>/dev/null; done; spinners=(); }
trap stop_spinners EXIT
failed_runs=0
for i in $(seq 1 "$runs"); do
  clone="$out/clone"
  rm -rf "$clone"
  git clone -q "$repo" "$clone" && git -C "$clone" checkout -q "$sha" || exit 1
  for _ in $(seq 1 "$(nproc)"); do yes > /dev/null & spinners+=($!); done
  start=$(date +%s)
  (cd "$clone" && mvn -B -ntp -fae -Dmaven.test.failure.ignore=true verify > "$out/run$i.log" 2>&1)
  stop_spinners
  echo "run $i of $runs ($sha): $(( $(date +%s) - start )) s" | tee -a "$summary"
  reports=$(grep -l -E '<(failure|error)[ >]' "$clone"/*/target/surefire-reports/*.xml \
      "$clone"/*/target/failsafe-reports/*.xml 2>/dev/null)
  [ -n "$reports" ] && failed_runs=$((failed_runs + 1))
  for f in $reports; do
    python3 - "$f" <<'PY' | tee -a "$summary"
import sys, xml.etree.ElementTree as ET
for tc in ET.parse(sys.argv[1]).getroot().iter('testcase'):
    for kind in ('failure', 'error'):
        e = tc.find(kind)
        if e is not None:
            print(f"  FAILED {tc.get('classname')}.{tc.get('name')}: {(e.get('message') or '').strip()[:300]}")
PY
  done
  grep -E '^\[(INFO|ERROR)\] Tests run:' "$out/run$i.log" | grep -v ' -- in ' | tee -a "$summary"
done
echo "$failed_runs of $runs loaded runs had a failing test" | tee -a "$summary"
[ "$failed_runs" -eq 0 ]
