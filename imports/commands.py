"""`! command` manifest entries: run in the repository root, captured as a source.

The command runs through the shell in its own session, so a timeout can kill the whole
process group (grandchildren included). PROMPT_FOO_COMPILE_LOCK=1 in its environment
tells a nested `prompt-foo` to exit at once, so a command cannot recurse into a compile.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

from .model import Source

LOCK_ENV = "PROMPT_FOO_COMPILE_LOCK"
DEFAULT_TIMEOUT = 180.0
STDERR_TAIL = 2000
_FILE_REF = re.compile(r"\{\{([^{}\n]+)\}\}")


class CommandInputMissing(LookupError):
    """A {{path}} in the command names no readable file."""


def expand_file_refs(command: str, root: Path) -> str:
    """``command`` with each {{path}} (relative to ``root``, or ~ or absolute) replaced by that file's text."""
    def replace(match: re.Match) -> str:
        written = match.group(1).strip()
        path = Path(root) / os.path.expanduser(written)
        if not path.is_file():  # missing, a folder, or a FIFO/device that would block or never end
            raise CommandInputMissing(written)
        try:
            data = path.read_bytes()
        except OSError:
            raise CommandInputMissing(written) from None
        if b"\x00" in data:
            raise CommandInputMissing(written)
        return data.decode("utf-8", "replace")

    return _FILE_REF.sub(replace, command)


def run_command(label: str, command: str, root: Path, timeout: float = DEFAULT_TIMEOUT) -> Source:
    """Run ``command`` with the shell in ``root``; stdout is the text, with stderr's tail and exit after."""
    env = dict(os.environ)
    env[LOCK_ENV] = "1"
    try:
        proc = subprocess.Popen(command, shell=True, cwd=root, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        return Source("command", label, f"# could not start: {exc}\n", "text", 0, (f"could not start: {exc}",))
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        out, err = _drain(proc)
    except BaseException:  # Ctrl-C: the command has its own session, so the terminal's signal missed it
        _kill_group(proc.pid)
        raise
    return _receipt(label, out, err, proc.returncode, timed_out, timeout)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _drain(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """Whatever output arrived before the kill; a process outside the group may hold the pipes."""
    try:
        return proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()
        proc.wait()
        return b"", b""


def _receipt(label: str, out: bytes, err: bytes, code: int | None, timed_out: bool, timeout: float) -> Source:
    flags: list[str] = []
    text = out.decode("utf-8", "replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in out:
        flags.append("output not valid UTF-8: decoded with replacement")
    if not text:
        text = "# (no output)\n"
    elif not text.endswith("\n"):
        text += "\n"
    errors = err.decode("utf-8", "replace")
    if errors.strip():
        tail = errors[-STDERR_TAIL:]
        cut = len(errors) - len(tail)
        header = f"--- stderr (last {STDERR_TAIL:,} of {len(errors):,} chars) ---" if cut else "--- stderr ---"
        text += f"{header}\n{tail}" + ("" if tail.endswith("\n") else "\n")
    if timed_out:
        flags.append(f"timed out after {timeout:g} s; process group killed")
        text += f"# TIMED OUT after {timeout:g} s (process group killed)\n"
    elif code:
        status = f"killed by signal {-code}" if code < 0 else f"exit {code}"
        flags.append(status)
        text += f"# NON-ZERO EXIT: {status}\n"
    return Source("command", label, text, "text", len(out), tuple(flags))
