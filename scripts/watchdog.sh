#!/usr/bin/env bash
# Gatehouse external watchdog (Linux). Restarts the service when its heartbeat file is stale.
#
# Gatehouse writes the file (epoch milliseconds and a newline) at most every 10 s while it is healthy,
# and withholds it while a connection is stale with the network up or a plugin call is hung. This
# script reads the timestamp INSIDE the file (not the mtime, which a copy or backup can refresh), and
# skips the restart while the platform's network itself is down (a restart cannot fix that).
#
# Usage: watchdog.sh [-f FILE] [-s STALE_SECONDS] [-u PROBE_URL] [-r RESTART_COMMAND] [-n]
#   -f  heartbeat file                       (default: $GATEHOUSE_HEARTBEAT or /var/lib/gatehouse/run/gatehouse.alive)
#   -s  age in seconds that counts as stale  (default: 900, above the reconnect budget: see README)
#   -u  URL that must answer for the network to count as up (default: https://slack.com/api/api.test)
#   -r  command that restarts the service    (default: systemctl try-restart gatehouse: never starts a
#       service an operator stopped)
#   -n  dry run: report, never restart
#
# Exit codes:
#   0  heartbeat fresh, nothing done
#   1  usage error
#   2  heartbeat stale, missing or unreadable: restart command run and succeeded
#   3  heartbeat stale, but the network is down: restart skipped
#   4  heartbeat stale: the restart command failed
#   5  heartbeat stale: dry run, restart not attempted
set -u

file="${GATEHOUSE_HEARTBEAT:-/var/lib/gatehouse/run/gatehouse.alive}"
stale=900
probe="https://slack.com/api/api.test"
restart="systemctl try-restart gatehouse"
dry=0

while getopts "f:s:u:r:nh" opt; do
  case "$opt" in
    f) file="$OPTARG" ;;
    s) stale="$OPTARG" ;;
    u) probe="$OPTARG" ;;
    r) restart="$OPTARG" ;;
    n) dry=1 ;;
    h) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "usage: $0 [-f FILE] [-s STALE_SECONDS] [-u PROBE_URL] [-r RESTART_COMMAND] [-n]" >&2; exit 1 ;;
  esac
done
case "$stale" in ''|*[!0-9]*) echo "watchdog: -s needs a whole number of seconds, got '$stale'" >&2; exit 1 ;; esac

log() { echo "watchdog: $*" >&2; command -v logger >/dev/null 2>&1 && logger -t gatehouse-watchdog -- "$*"; return 0; }

network_up() {
  if command -v curl >/dev/null 2>&1; then
    # Any HTTP answer counts; only DNS failures, refusals and timeouts mean "down".
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$probe" 2>/dev/null) || code=000
    [ "$code" != "000" ]
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 5 -t 1 -O /dev/null "$probe" 2>/dev/null || [ $? -eq 8 ]   # 8 = server answered with an error status
  else
    return 0   # cannot tell: assume up
  fi
}

now_ms=$(( $(date +%s) * 1000 ))
reason=""
if [ ! -r "$file" ]; then
  reason="heartbeat file $file is missing or unreadable"
else
  stamp=$(head -c 32 "$file" | tr -d '[:space:]')
  case "$stamp" in
    ''|*[!0-9]*) reason="heartbeat file $file does not hold epoch milliseconds" ;;
    *)
      age=$(( (now_ms - stamp) / 1000 ))
      if [ "$age" -le "$stale" ]; then
        exit 0
      fi
      reason="heartbeat is ${age}s old (stale after ${stale}s)" ;;
  esac
fi

if ! network_up; then
  log "$reason, but $probe is unreachable: network down, not restarting"
  exit 3
fi
if [ "$dry" -eq 1 ]; then
  log "$reason: would run '$restart' (dry run)"
  exit 5
fi
log "$reason: running '$restart'"
if sh -c "$restart"; then
  exit 2
fi
log "restart command failed: '$restart'"
exit 4
