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
import tempfile
import time
from pathlib import Path

from ..model import Source
from .credstores import is_credential_store
from .reaper import Reaper

LOCK_ENV = "PROMPT_FOO_COMPILE_LOCK"
DEFAULT_TIMEOUT = 180.0
STDERR_TAIL = 2000
STDERR_READ = 1024 * 1024  # bytes of stderr read back to take the tail from
MAX_OUTPUT = 8 * 1024 * 1024  # bytes of stdout kept; a bigger output is a runaway
MAX_STDERR = 8 * 1024 * 1024  # bytes of stderr allowed before the command is a runaway (`yes 1>&2`)
_FILE_REF = re.compile(r"\{\{([^{}\n]+)\}\}")


class CommandInputMissing(LookupError):
    """A {{path}} in the command names no readable file."""


class CredentialStoreInput(CommandInputMissing):
    """A {{path}} names a credential store (~/.netrc, an SSH key…): never read into a command."""


def expand_file_refs(command: str, root: Path) -> str:
    """``command`` with each {{path}} (relative to ``root``, or ~ or absolute) replaced by that file's text."""
    def replace(match: re.Match) -> str:
        written = match.group(1).strip()
        path = Path(root) / os.path.expanduser(written)
        if is_credential_store(written) or is_credential_store(os.path.realpath(path)):
            raise CredentialStoreInput(written)
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
    """Run ``command`` with the shell in ``root``; stdout is the text, with stderr's tail and exit after.

    Output goes to temporary files rather than pipes, so a runaway command (``yes``) is
    stopped at MAX_OUTPUT instead of filling memory until its timeout, and a background
    grandchild holding the output open cannot keep the compile waiting.
    """
    env = dict(os.environ)
    env[LOCK_ENV] = "1"
    reaper = Reaper()  # descendants that leave the group (setsid) come back to us, to be ended
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        try:
            proc = subprocess.Popen(command, shell=True, cwd=root, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out_f, stderr=err_f, start_new_session=True)
        except OSError as exc:
            return Source("command", label, f"# could not start: {exc}\n", "text", 0, (f"could not start: {exc}",))
        try:
            stopped = _watch(proc, out_f, timeout, err_f)
        finally:
            _kill_group(proc.pid)  # whatever the command left running in its group
            reaper.end_strays()
        out_f.seek(0)
        out = out_f.read(MAX_OUTPUT)
        err_size = os.fstat(err_f.fileno()).st_size
        err_f.seek(max(0, err_size - STDERR_READ))  # only the tail is shown
        err = err_f.read()
    return _receipt(label, out, err, proc.returncode, stopped, timeout, err_size)


def _watch(proc: subprocess.Popen, out_f, timeout: float, err_f=None) -> str | None:
    """Wait for the command; kill its process group on timeout or runaway output (either stream)."""
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                proc.wait(timeout=0.02)
                return None
            except subprocess.TimeoutExpired:
                if os.fstat(out_f.fileno()).st_size > MAX_OUTPUT:
                    reason = "output"
                elif err_f is not None and os.fstat(err_f.fileno()).st_size > MAX_STDERR:
                    reason = "stderr"
                elif time.monotonic() > deadline:
                    reason = "timeout"
                else:
                    continue
                _kill_group(proc.pid)
                proc.wait()
                return reason
    except BaseException:  # Ctrl-C: the command has its own session, so the terminal's signal missed it
        _kill_group(proc.pid)
        raise


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _receipt(label: str, out: bytes, err: bytes, code: int | None, stopped: str | None, timeout: float,
             err_size: int | None = None) -> Source:
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
        whole = err_size is None or err_size <= len(err)
        total = f"{len(errors):,} chars" if whole else f"{err_size:,} bytes"
        header = f"--- stderr (last {STDERR_TAIL:,} of {total}) ---" if (len(tail) < len(errors) or not whole) else "--- stderr ---"
        text += f"{header}\n{tail}" + ("" if tail.endswith("\n") else "\n")
    if stopped == "timeout":
        flags.append(f"timed out after {timeout:g} s; process group killed")
        text += f"# TIMED OUT after {timeout:g} s (process group killed)\n"
    elif stopped == "stderr":
        flags.append(f"stderr cut at {MAX_STDERR:,} bytes; process group killed")
        text += f"# STDERR CUT at {MAX_STDERR:,} bytes (process group killed)\n"
    elif stopped == "output":
        flags.append(f"output cut at {MAX_OUTPUT:,} bytes; process group killed")
        text += f"# OUTPUT CUT at {MAX_OUTPUT:,} bytes (process group killed)\n"
    elif code:
        status = f"killed by signal {-code}" if code < 0 else f"exit {code}"
        flags.append(status)
        text += f"# NON-ZERO EXIT: {status}\n"
    return Source("command", label, text, "text", len(out), tuple(flags))
