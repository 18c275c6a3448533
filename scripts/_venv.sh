# Sourced by scripts/run and scripts/test: create .venv with Python 3.11 and install the
# requirements file given as $1, reinstalling only when that file (or what it includes) changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_progress.sh"
_req="$1"
_py=""
for candidate in python3.11 python3 python; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    _py="$candidate"; break
  fi
done
if [ -z "$_py" ]; then
  echo "Zeren needs Python 3.11 (python3.11 on PATH). 需要 Python 3.11。" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  progress "Creating .venv with $_py" "$_py" -m venv .venv
fi
_stamp=".venv/.installed-$(basename "$_req")"
_sum="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
_pip_install() {
  # Not --quiet: a line per package (collected, cached, installed) shows the install moving; a
  # quiet spell (the final install step) gets a "still working" line from `progress`. The
  # machine's pip configuration may name local indexes that do not exist; its warnings about
  # them are noise, every other line is kept.
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -r "$1" 2>&1 \
    | { grep --line-buffered -v "^WARNING: Location '.*' is ignored" || true; }
}
if [ ! -f "$_stamp" ] || [ "$(cat "$_stamp")" != "$_sum" ]; then
  progress "Installing $_req into .venv" _pip_install "$_req"
  echo "$_sum" > "$_stamp"
else
  echo "==> Packages of $_req already installed in .venv"
fi
export PATH="$PWD/.venv/bin:$PATH"
