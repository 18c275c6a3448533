# Sourced by scripts/_venv.sh and scripts/run: `progress LABEL CMD...` runs CMD under a heading,
# passes its output through and, whenever it has been quiet for 5 seconds (looked at every
# second), prints a line saying it is still working, so a slow step (a package install,
# migrations on a busy machine) never looks hung. Ends with the step's duration; returns CMD's
# exit status.
progress() {
  local label="$1"; shift
  local start=$SECONDS mark ticker status
  echo "==> $label"
  mark="$(mktemp)"
  (
    while sleep 1; do
      if [ $(( $(date +%s) - $(stat -c %Y "$mark" 2>/dev/null || date +%s) )) -ge 5 ]; then
        echo "    ... $label: still working ($(( SECONDS - start )) s)"
        touch "$mark"
      fi
    done
  ) &
  ticker=$!
  set +e
  PYTHONUNBUFFERED=1 "$@" 2>&1 | while IFS= read -r line; do
    printf '    %s\n' "$line"
    touch "$mark"
  done
  status=${PIPESTATUS[0]}
  set -e
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  rm -f "$mark"
  if [ "$status" -ne 0 ]; then
    echo "==> $label: failed (exit $status) after $(( SECONDS - start )) s" >&2
    return "$status"
  fi
  echo "    done in $(( SECONDS - start )) s"
}
