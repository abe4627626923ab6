#!/usr/bin/env bash
# sync_proxy.sh - the fault proxy the sync tests rely on (tests/tools/ffproxy), tested on
# its own against a TCP echo server: it forwards byte for byte in pass mode; with faults it
# breaks connections (drop, stall, delay, truncate, reset all seen); the same seed makes the
# same decisions; writing "pass" into its control file heals it while it runs.
set -u

# shellcheck source=lib/sync.sh
. "$(dirname "$0")/lib/sync.sh"

echo_port=$(start_bg echo "$PROXY" echo)
echo_port=${echo_port##*:}
head -c 200000 /dev/urandom >"$TMP/blob"
head -c 20000 /dev/urandom >"$TMP/small"

# xfer PORT FILE OUT: sends FILE through 127.0.0.1:PORT and reads back as many bytes (10 s).
xfer() {
    local size
    size=$(stat -c %s "$2")
    rm -f "$3"
    timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
                        cat "$1" >&3 2>/dev/null &
                        head -c "$2" <&3 >"$3"' "$1" "$2" "$size" "$3" 2>/dev/null
    cmp -s "$2" "$3"
}

# proxy NAME SEED MODE: starts a proxy to the echo server; its port in $port, log $TMP/NAME.log
proxy() {
    echo "$3" >"$TMP/$1.ctl"
    local line
    line=$(start_bg "$1" "$PROXY" --target "127.0.0.1:$echo_port" --seed "$2" \
        --control "$TMP/$1.ctl" --log "$TMP/$1.log" --stall 1 --max-delay 0.05)
    port=${line##*:}
    port=${port%% *}
}

proxy p1 4242 pass
grep -q "seed 4242" "$TMP/p1.start" && ok || bad "the proxy prints its seed"
check "pass mode: 200 kB echoed intact" xfer "$port" "$TMP/blob" "$TMP/back"

# Faults: 40 connections; every kind drawn at least once, some transfers broken.
echo "faults" >"$TMP/p1.ctl"
broken=0
for _ in $(seq 40); do xfer "$port" "$TMP/small" "$TMP/back" || broken=$((broken + 1)); done
for f in drop stall delay truncate reset; do
    grep -q "^conn [0-9]*: $f" "$TMP/p1.log" && ok || bad "fault $f never drawn in 40 connections"
done
[ "$broken" -gt 5 ] && ok || bad "faults broke only $broken of 40 transfers"
grep -Eq "cut (up|down) at [0-9]+ bytes" "$TMP/p1.log" && ok || bad "no connection was cut mid-stream"

# Healing while it runs: the next connections are all intact again.
echo "pass" >"$TMP/p1.ctl"
healed=0
for _ in $(seq 10); do xfer "$port" "$TMP/small" "$TMP/back" && healed=$((healed + 1)); done
[ "$healed" -eq 10 ] && ok || bad "after healing only $healed of 10 transfers intact"
# ... and SIGUSR2 / SIGUSR1 switch without the file.
kill -USR2 "$(cat "$TMP/p1.pid")"
sleep 0.2
lines=$(wc -l <"$TMP/p1.log")
for _ in $(seq 10); do xfer "$port" "$TMP/small" "$TMP/back" || true; done
tail -n +"$((lines + 1))" "$TMP/p1.log" | grep -Eq ": (drop|stall|delay|truncate|reset)" && ok ||
    bad "SIGUSR2 did not switch to faults"
kill -USR1 "$(cat "$TMP/p1.pid")"
sleep 0.2
check "SIGUSR1 heals" xfer "$port" "$TMP/blob" "$TMP/back"

# Replay: two fresh proxies with the same seed make the same decisions for the same
# connections; a third with another seed does not.
decisions() { grep -E '^conn [0-9]+: (none|drop|stall|delay|truncate|reset)' "$TMP/$1.log"; }
for p in p2:4242 p3:4242 p4:4343; do
    proxy "${p%:*}" "${p#*:}" faults
    for _ in $(seq 20); do xfer "$port" "$TMP/small" "$TMP/back" || true; done
    decisions "${p%:*}" >"$TMP/${p%:*}.d"
done
[ "$(wc -l <"$TMP/p2.d")" -eq 20 ] && ok || bad "replay: $(wc -l <"$TMP/p2.d") decisions logged, not 20"
check "same seed, same decisions" cmp -s "$TMP/p2.d" "$TMP/p3.d"
if cmp -s "$TMP/p2.d" "$TMP/p4.d"; then bad "another seed made the same decisions"; else ok; fi

finish
