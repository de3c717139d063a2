"""Emission, the last stage: an atomic file write and/or the clipboard."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PromptFooError


@dataclass
class Emitted:
    destinations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and rename: never half-written,
    and an existing file keeps its permissions."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def emit(text: str, output: str | None, use_clipboard: bool, backend: str | None,
         fallback: Path) -> Emitted:
    """Send the book where it was asked to go; with no working clipboard and no -o,
    it is kept in ``fallback`` so it is never lost."""
    out = Emitted()
    data = text.encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        out.destinations.append("stdout")
    elif output:
        try:
            write_atomic(Path(output), data)
        except OSError as exc:
            raise PromptFooError(f"could not write {output}: {exc.strerror or exc}") from None
        out.destinations.append(output)
    if use_clipboard:
        from .clipboard import ClipboardUnavailable, copy

        try:
            used = copy(text, backend)
            out.destinations.append(f"clipboard ({used})")
        except ClipboardUnavailable as exc:
            out.warnings.append(f"clipboard: {exc.message}")
            if not out.destinations:
                fallback.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(fallback, data)
                out.destinations.append(str(fallback))
                out.warnings.append(f"the book was written to {fallback} instead (use -o FILE to choose)")
    return out
