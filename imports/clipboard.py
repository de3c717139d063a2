"""Write and read the system clipboard through whichever tool this machine has.

Backends, tried in this order when none is forced: wl-copy (Wayland), xclip and xsel (X11),
osc52 (an SSH session: the escape goes to the local terminal), pbcopy (macOS), clip.exe (WSL).
Force one with the ``backend`` argument or ``PROMPT_FOO_CLIPBOARD`` (``none`` turns it off).

Two things here are deliberate. The X11 and Wayland tools fork a child that keeps owning the
selection after the copy returns; that child inherits the tool's stdout/stderr, so reading
those pipes would wait for it forever (the "hangs" bug), and killing it would empty the
clipboard (the "says copied, clipboard empty" bug). So the tools get no output pipes, run in
their own session (a closing terminal or editor job cannot take the child with it), and every
call has a timeout. And the text travels as bytes, never through text mode: nothing is added
to or stripped from it.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from .errors import PromptFooError, UsageProblem

ENV = "PROMPT_FOO_CLIPBOARD"
TIMEOUT = 10.0  # seconds; a tool that takes longer than this is stuck, not slow
SETTLE = 5.0  # seconds for a forked selection owner to take the clipboard over


class ClipboardUnavailable(PromptFooError):
    """No clipboard tool works here."""


class UnknownBackend(ClipboardUnavailable, UsageProblem):
    """A backend name that does not exist: a usage error (exit 2), and still a clipboard
    failure, so a compile that already has its book keeps it."""


@dataclass(frozen=True)
class Backend:
    name: str
    copy_cmd: tuple[str, ...] | None  # None: written by Python itself (osc52)
    paste_cmd: tuple[str, ...] | None  # None: write-only
    needs: str  # when it applies, in words (for error messages)


_PS_PASTE = ("[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; "
             "[Console]::Out.Write((Get-Clipboard -Raw))")

BACKENDS: dict[str, Backend] = {b.name: b for b in (
    Backend("wl-copy", ("wl-copy",), ("wl-paste", "--no-newline"), "WAYLAND_DISPLAY and wl-clipboard"),
    Backend("xclip", ("xclip", "-selection", "clipboard", "-in"),
            ("xclip", "-selection", "clipboard", "-out", "-target", "UTF8_STRING"), "DISPLAY and xclip"),
    Backend("xsel", ("xsel", "--clipboard", "--input"), ("xsel", "--clipboard", "--output"),
            "DISPLAY and xsel"),
    Backend("osc52", None, None, "a terminal that understands OSC 52 (used over SSH)"),
    Backend("pbcopy", ("pbcopy",), ("pbpaste",), "macOS"),
    Backend("clip.exe", ("clip.exe",),
            ("powershell.exe", "-NoProfile", "-NonInteractive", "-Command", _PS_PASTE), "WSL"),
)}

ALIASES = {"wl-paste": "wl-copy", "wayland": "wl-copy", "wl-clipboard": "wl-copy", "x11": "xclip",
           "pbpaste": "pbcopy", "macos": "pbcopy", "clip": "clip.exe", "wsl": "clip.exe",
           "powershell": "clip.exe", "osc-52": "osc52", "ssh": "osc52"}


def check_backend(name: str) -> str | None:
    """The canonical backend name for ``name`` (aliases allowed); None means the clipboard is
    turned off. Raises UnknownBackend, so a command can check its option before any work."""
    key = name.strip().lower()
    if key in ("none", "off", "0"):
        return None
    key = ALIASES.get(key, key)
    if key not in BACKENDS:
        raise UnknownBackend(f"unknown clipboard backend {name!r}",
                           hint=f"choose one of: {', '.join(BACKENDS)}, or none")
    return key


def _is_wsl() -> bool:
    if os.environ.get("WSL_DISTRO_NAME") or os.environ.get("WSL_INTEROP"):
        return True
    try:
        with open("/proc/sys/kernel/osrelease", encoding="ascii", errors="replace") as fh:
            return "microsoft" in fh.read().lower()
    except OSError:
        return False


def _over_ssh() -> bool:
    return bool(os.environ.get("SSH_TTY") or os.environ.get("SSH_CONNECTION")
                or os.environ.get("SSH_CLIENT"))


def _applies(name: str) -> bool:
    """Whether this backend fits the session (its tool may still be missing)."""
    if name == "wl-copy":
        return bool(os.environ.get("WAYLAND_DISPLAY"))
    if name in ("xclip", "xsel"):
        return bool(os.environ.get("DISPLAY"))
    if name == "osc52":
        return _over_ssh()
    if name == "pbcopy":
        return sys.platform == "darwin"
    if name == "clip.exe":
        return _is_wsl()
    return False


def _installed(backend: Backend, paste: bool) -> bool:
    cmd = backend.paste_cmd if paste else backend.copy_cmd
    if backend.name == "osc52":
        return not paste
    return cmd is not None and shutil.which(cmd[0]) is not None


def available(paste: bool = False) -> list[str]:
    """The backends that fit this session and are installed, in the order they are tried."""
    return [b.name for b in BACKENDS.values() if _applies(b.name) and _installed(b, paste)]


def _candidates(backend: str | None, paste: bool) -> list[str]:
    """Which backends to try: the forced one only, else every one that fits the session."""
    forced = backend or os.environ.get(ENV) or None
    if forced is not None:
        name = check_backend(forced)
        if name is None:
            raise ClipboardUnavailable(f"the clipboard is turned off ({ENV}={forced})")
        return [name]
    found = available(paste)
    if not found:
        raise ClipboardUnavailable(_nothing_found(paste), hint=_hint(paste))
    return found


def _nothing_found(paste: bool) -> str:
    seen = [f"{k}={os.environ[k]}" for k in ("WAYLAND_DISPLAY", "DISPLAY") if os.environ.get(k)]
    where = ", ".join(seen) if seen else "no WAYLAND_DISPLAY or DISPLAY, not over SSH, not macOS or WSL"
    verb = "read" if paste else "write"
    return f"no clipboard tool to {verb} with here ({where})"


def _hint(paste: bool) -> str:
    if paste:
        return ("Install wl-clipboard (Wayland) or xclip/xsel (X11), or save the reply to a file and "
                "pass its path (or '-' and paste it on stdin) instead of using the clipboard.")
    return (f"Install wl-clipboard (Wayland) or xclip/xsel (X11); over SSH set {ENV}=osc52; "
            "or write the book to a file with -o FILE.")


def _run(cmd: tuple[str, ...], data: bytes | None, capture: bool) -> bytes:
    """Run a clipboard tool with a timeout; stderr goes to a file, never a pipe, because a
    forked selection owner would hold a pipe open for as long as it owns the clipboard."""
    env = dict(os.environ)
    if cmd[0] in ("pbcopy", "pbpaste"):
        env.setdefault("LC_CTYPE", "UTF-8")  # else non-ASCII text is mangled
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.run(
                cmd, input=data if data is not None else b"",
                stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=err,
                timeout=TIMEOUT, start_new_session=True, env=env,
            )
        except subprocess.TimeoutExpired:
            raise ClipboardUnavailable(f"{cmd[0]} did not finish within {TIMEOUT:g} s") from None
        except OSError as exc:
            raise ClipboardUnavailable(f"{cmd[0]} could not start: {exc.strerror or exc}") from None
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read()[-400:].decode("utf-8", "replace").strip()
            raise _ToolFailed(f"{cmd[0]} exited {proc.returncode}" + (f": {tail}" if tail else ""))
    return proc.stdout or b""


class _ToolFailed(ClipboardUnavailable):
    """A tool ran and failed (kept apart so an empty X11 selection reads as empty text)."""


def osc52_sequence(text: str) -> bytes:
    """The OSC 52 escape that asks the terminal to set its clipboard (wrapped for tmux/screen)."""
    payload = base64.b64encode(text.encode("utf-8"))
    seq = b"\x1b]52;c;" + payload + b"\x07"
    if os.environ.get("TMUX"):
        return b"\x1bPtmux;" + seq.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    if os.environ.get("TERM", "").startswith("screen"):
        return b"\x1bP" + seq + b"\x1b\\"
    return seq


def _osc52(text: str) -> None:
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        raise ClipboardUnavailable(f"osc52: no terminal to write to ({exc.strerror})") from None
    try:
        data = osc52_sequence(text)
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def _copy_one(name: str, text: str) -> None:
    backend = BACKENDS[name]
    if name == "osc52":
        _osc52(text)
        return
    data = text.encode("utf-8")
    if name == "clip.exe":
        data = b"\xff\xfe" + text.encode("utf-16-le")  # clip.exe reads UTF-8 as the ANSI codepage
    _run(backend.copy_cmd, data, capture=False)
    if name in FORKING:
        _await_ownership(backend, data)


# These tools return before their forked child owns the selection, so a paste right after
# "copied" could still see the old text; copy() returns only once the new text is served.
FORKING = ("wl-copy", "xclip", "xsel")


def _await_ownership(backend: Backend, data: bytes) -> None:
    deadline = time.monotonic() + SETTLE
    delay = 0.01
    while True:
        try:
            if _run(backend.paste_cmd, None, capture=True) == data:
                return
        except ClipboardUnavailable:
            pass  # no owner yet, or one between owners
        if time.monotonic() > deadline:
            raise ClipboardUnavailable(
                f"{backend.copy_cmd[0]} ran, but the clipboard did not hold the text after {SETTLE:g} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def copy(text: str, backend: str | None = None) -> str:
    """Put ``text`` on the clipboard; returns the backend name used."""
    failures = []
    for name in _candidates(backend, paste=False):
        if name != "osc52" and not _installed(BACKENDS[name], paste=False):
            failures.append(f"{name}: {BACKENDS[name].copy_cmd[0]} is not installed")
            continue
        try:
            _copy_one(name, text)
            return name
        except ClipboardUnavailable as exc:
            failures.append(f"{name}: {exc.message}")
    raise ClipboardUnavailable("could not copy: " + "; ".join(failures), hint=_hint(False))


def _empty_selection(name: str, exc: _ToolFailed) -> bool:
    # xclip exits 1 with "target ... not available" when nothing owns the clipboard;
    # wl-paste says "Nothing is copied". Both mean empty text, not a broken tool.
    msg = exc.message.lower()
    return ((name == "xclip" and "not available" in msg)
            or (name == "wl-copy" and "nothing is copied" in msg))


def paste(backend: str | None = None) -> str:
    """The clipboard's text, exactly (empty when nothing is on it)."""
    failures = []
    for name in _candidates(backend, paste=True):
        spec = BACKENDS[name]
        if spec.paste_cmd is None:
            failures.append(f"{name}: write-only (the terminal's clipboard cannot be read back)")
            continue
        if not _installed(spec, paste=True):
            failures.append(f"{name}: {spec.paste_cmd[0]} is not installed")
            continue
        try:
            raw = _run(spec.paste_cmd, None, capture=True)
        except _ToolFailed as exc:
            if _empty_selection(name, exc):
                return ""
            failures.append(f"{name}: {exc.message}")
            continue
        except ClipboardUnavailable as exc:
            failures.append(f"{name}: {exc.message}")
            continue
        return raw.decode("utf-8", errors="replace")
    raise ClipboardUnavailable("could not read the clipboard: " + "; ".join(failures), hint=_hint(True))


__all__ = ["BACKENDS", "ClipboardUnavailable", "ENV", "UnknownBackend", "available", "check_backend",
           "copy", "osc52_sequence", "paste"]
