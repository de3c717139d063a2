"""Emission, the last stage: an atomic file write and/or the clipboard."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from ..errors import PromptFooError


@dataclass
class Emitted:
    destinations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and rename: never half-written,
    and an existing file keeps its permissions. A symlink is followed (the link stays);
    a FIFO or device is written into, never replaced by a regular file."""
    try:
        st = Path(path).stat()
        mode = stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        st = mode = None
    if st is not None and stat.S_ISBLK(st.st_mode):
        raise PromptFooError(f"{path} is a block device (a disk); a book is never written onto one")
    if st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        with open(path, "wb") as fh:  # e.g. -o /dev/stdout or a named pipe: renaming over it would destroy it
            fh.write(data)
        return
    # Through a symlink: replace its target, keep the link. fsync: a book is worth keeping.
    atomic.write_atomic(Path(os.path.realpath(path)), data, mode=mode, durable=True, make_parents=False)


def _to_stdout(data: bytes) -> None:
    """Write straight to fd 1, so a failed write leaves nothing buffered to fail again at exit.
    A reader that went away (EPIPE) is left to click, which exits quietly like other filters."""
    try:
        sys.stdout.flush()
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        raise PromptFooError("could not write the book to stdout: it is closed",
                             hint="Use -o FILE, or give the command a stdout.") from None
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise PromptFooError(f"could not write the book to stdout: {exc.strerror or exc}") from None


def emit(text: str, output: str | None, use_clipboard: bool, backend: str | None,
         fallback: Path) -> Emitted:
    """Send the book where it was asked to go; with no working clipboard and no -o,
    it is kept in ``fallback`` so it is never lost."""
    out = Emitted()
    data = text.encode("utf-8")
    if output == "-":
        _to_stdout(data)
        out.destinations.append("stdout")
    elif output:
        try:
            write_atomic(Path(output), data)
        except OSError as exc:
            raise PromptFooError(f"could not write {output}: {exc.strerror or exc}") from None
        out.destinations.append(output)
    if use_clipboard:
        from ..clipboard import ClipboardUnavailable, copy

        try:
            used = copy(text, backend)
            out.destinations.append(f"clipboard ({used})")
        except ClipboardUnavailable as exc:
            out.warnings.append(f"clipboard: {exc.message}")
            if not out.destinations:
                try:
                    fallback.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(fallback, data)
                except OSError as err:
                    raise PromptFooError(f"clipboard: {exc.message}; and the fallback {fallback} could not be "
                                         f"written: {err.strerror or err}", hint="Use -o FILE.") from None
                out.destinations.append(str(fallback))
                out.warnings.append(f"the book was written to {fallback} instead (use -o FILE to choose)")
    return out
