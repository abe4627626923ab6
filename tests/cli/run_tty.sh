#!/usr/bin/env bash
# run_tty.sh - `ffctl run` interactive in a real terminal: the Danish kiosk triage chart in
# a detached tmux session (private socket), driven by keys, read back from the pane. Walks
# to the "talk to a person" end with one step back on the way, and checks the outcome line
# and the exit code. Needs tmux (scripts/install-deps installs it); fails without it.
set -u
# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

if ! command -v tmux >/dev/null; then
    bad "tmux is missing (scripts/install-deps installs it)"
    finish
fi
SOCK=fftest-$$
SOCK_PATH=""
# The server and its socket file go with the test, whatever the test's end.
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; [ -z "$SOCK_PATH" ] || rm -f "$SOCK_PATH"; cleanup_tmp' EXIT

# The pane keeps showing after ffctl exits, with its exit code, until the server is killed.
tmux -L "$SOCK" -f /dev/null new-session -d -s run -x 100 -y 40 \
    "'$FFCTL' run '$SRC/assets/flowcharts/kiosk-triage.json' --locale da; echo \"[exit \$?]\"; sleep 600"
SOCK_PATH=$(tmux -L "$SOCK" display-message -p '#{socket_path}')

# wait_for NAME TEXT [COUNT]: polls the pane (and its history) until TEXT shows at least
# COUNT times (default 1), for at most 10 s.
wait_for() {
    local name=$1 text=$2 want=${3:-1} n
    for _ in $(seq 100); do
        tmux -L "$SOCK" capture-pane -p -S - -t run >"$TMP/pane" 2>/dev/null
        n=$(grep -cF -- "$text" "$TMP/pane")
        if [ "$n" -ge "$want" ]; then
            ok
            return 0
        fi
        sleep 0.1
    done
    bad "$name: '$text' did not show within 10 s; the pane:"
    sed 's/^/    /' "$TMP/pane" >&2
    return 1
}

keys() { tmux -L "$SOCK" send-keys -t run "$@"; }

wait_for "welcome" "Velkommen" || finish
keys Enter
wait_for "question" "Hvordan kan vi hjælpe?" || finish
wait_for "options numbered" "7) Tal med en medarbejder" || finish
keys 7 Enter
wait_for "chosen step" "Vi tilkalder en medarbejder" || finish
keys b Enter
wait_for "back to the question" "Hvordan kan vi hjælpe?" 2 || finish
keys 7 Enter
wait_for "chosen again" "Vi tilkalder en medarbejder" 2 || finish
keys Enter
wait_for "end message" "En medarbejder kommer til dig om cirka 5 minutter." || finish
wait_for "outcome line" "resultat: henvist (lykkedes)" || finish
wait_for "exit code" "[exit 0]" || finish
finish
