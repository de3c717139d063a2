#!/bin/sh
# install.sh: install prompt-foo (prompt-foo, foo-apply, foo-release) into its own virtual
# environment and link the three commands into a bin folder on your PATH.
#
#   sh install.sh                      # from the checkout this script sits in
#   sh install.sh --from PATH          # from a checkout at PATH
#   sh install.sh --prefix DIR --bin-dir DIR --python python3.12 --editable --extras notebooks
#
# seal:white_rabbit
#             ()     ()
#             ||     ||
#             ||_____||
#            /  o   o  \          prompt-foo
#           (     x     )         the white rabbit seal
#            \  '---'  /
#        .----'-------'----.      every space on this card
#       /    |         |    \     is counted; bend one and
#      (_____|_________|_____)    nothing leaves the machine
#
#       drift=0   two  spaces,  one  blank  line,  plumb
# /seal:white_rabbit
set -eu

VERSION="0.1.0"
PREFIX="${PROMPT_FOO_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/prompt-foo}"
BIN_DIR="${PROMPT_FOO_BIN:-$HOME/.local/bin}"
PYTHON="${PYTHON:-python3}"
SOURCE=""
EDITABLE=""
EXTRAS=""

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --from) [ $# -ge 2 ] || die "--from needs a path"; SOURCE="$2"; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; PREFIX="$2"; shift 2 ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a folder"; BIN_DIR="$2"; shift 2 ;;
    --python) [ $# -ge 2 ] || die "--python needs an interpreter"; PYTHON="$2"; shift 2 ;;
    --editable) EDITABLE="-e"; shift ;;
    --extras) [ $# -ge 2 ] || die "--extras needs a name (notebooks)"; EXTRAS="[$2]"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

if [ -z "$SOURCE" ]; then
  here=$(cd "$(dirname "$0")" && pwd)
  # Only ever the checkout at hand: no version is fetched from PyPI by name.
  if [ -f "$here/pyproject.toml" ] && grep -q '^name = "prompt-foo-loom"' "$here/pyproject.toml"; then
    SOURCE="$here"
  else
    die "$here is not a prompt-foo checkout; run the install.sh inside one, pass --from PATH, or: pipx install git+URL"
  fi
fi

command -v "$PYTHON" >/dev/null 2>&1 || die "no $PYTHON on PATH (prompt-foo needs Python 3.11 or newer)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "$PYTHON is older than 3.11; pass --python with a newer one"

[ -f "$SOURCE/pyproject.toml" ] || die "$SOURCE is not a prompt-foo checkout (no pyproject.toml)"
TARGET=$(cd "$SOURCE" && pwd)

say "installing prompt-foo $VERSION from $TARGET into $PREFIX"
"$PYTHON" -m venv "$PREFIX"
# shellcheck disable=SC2086  # EDITABLE is empty or one flag
"$PREFIX/bin/python" -m pip install --quiet $EDITABLE "$TARGET$EXTRAS"

mkdir -p "$BIN_DIR"
for cmd in prompt-foo foo-apply foo-release; do
  [ -x "$PREFIX/bin/$cmd" ] || die "the install did not produce $cmd"
  ln -sf "$PREFIX/bin/$cmd" "$BIN_DIR/$cmd"
done
say "linked prompt-foo, foo-apply and foo-release into $BIN_DIR"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) say "add $BIN_DIR to your PATH to use them" ;;
esac
