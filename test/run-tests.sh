#!/bin/sh
# Runs a command (normally `vitest run`) inside a private D-Bus session with a throw-away, unlocked
# gnome-keyring, so the keychain tests exercise a real Secret Service without ever touching the
# developer's own keyring. Usage: sh test/run-tests.sh vitest run [vitest args...]
#
# Without dbus-run-session or gnome-keyring-daemon the command runs as is; the keychain tests then
# skip with a reason (or fail when CI=true, where a skipped keychain test would hide a broken set-up).
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: sh test/run-tests.sh COMMAND [ARGS...]" >&2
  exit 2
fi

# `npm test` puts node_modules/.bin on PATH; when called by hand, find vitest & co. anyway.
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/node_modules/.bin:$PATH"
export PATH

if [ "${TRAY_TIMER_TEST_KEYRING:-}" = "1" ]; then
  # Already inside the session (nested call): just run.
  exec "$@"
fi

if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "run-tests: dbus-run-session or gnome-keyring-daemon not found: keychain tests will skip (fail when CI=true)" >&2
  TRAY_TIMER_TEST_KEYRING_MISSING="dbus-run-session or gnome-keyring-daemon is not installed (apt-get install dbus gnome-keyring)"
  export TRAY_TIMER_TEST_KEYRING_MISSING
  exec "$@"
fi

# The keyring files go to a fresh directory (the daemon keeps them under XDG_DATA_HOME), so the
# unlock password below always matches and nothing persists between runs.
keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/tray-timer-keyring.XXXXXX")
trap 'rm -rf "$keyring_home"' EXIT INT TERM
export keyring_home

# Not exec: the trap must run after the session ends to remove the keyring directory.
# The inner script starts the daemon (it forks and registers org.freedesktop.secrets on this
# private bus), unlocks the new login keyring with a dummy password, then runs the command.
status=0
dbus-run-session -- sh -c '
  if ! printf %s test-keyring-password |
    XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
    echo "run-tests: gnome-keyring-daemon failed to start: keychain tests will skip (fail when CI=true)" >&2
    TRAY_TIMER_TEST_KEYRING_MISSING="gnome-keyring-daemon failed to start"
    export TRAY_TIMER_TEST_KEYRING_MISSING
  else
    TRAY_TIMER_TEST_KEYRING=1
    export TRAY_TIMER_TEST_KEYRING
  fi
  exec "$@"
' run-tests "$@" || status=$?
exit "$status"
