"""The all-or-nothing write and its undo, as a transaction.

1. Preflight (folders writable, names fit, room): any problem refuses with nothing written.
2. Pre-images go to a fresh ``runs/<id>/`` and are fsynced; only then does ``journal.json``
   switch to the new run, atomically. The previous run's files stay until this one is done,
   so a run that rolls back leaves the previous one undoable.
3. Each file is written to an unpredictable temp name beside it, re-hashed just before its
   rename (an editor's save since planning aborts the run), then renamed into place; a new file
   is linked into place, which fails rather than overwrite a file someone just created.
4. Any error, Ctrl-C or SIGTERM while writing rolls back what this run wrote and restores the
   previous journal. A kill leaves the journal in ``writing``; ``--undo`` then restores.

``undo`` checks every saved pre-image against its hash and every file against the journal
before touching anything, marks the journal ``undoing`` (so a killed undo is finished by the
next ``--undo``), and restores in reverse order, which also undoes file→folder replacements.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import PromptFooError
from . import safeio
from .journal import (RUNS, UNFINISHED, JournalRefused, journal_dir, load, pre_dir,
                      remove_manifest, save_manifest)
from .paths import PathRefused, resolve_target
from .plan import FileChange
from .preflight import preflight


class WriteFailed(PromptFooError):
    """Writing stopped midway; what was written has been put back (or the way back is named)."""


class _Changed(Exception):
    def __init__(self, rel: str, why: str):
        super().__init__(rel)
        self.rel, self.why = rel, why


class _Interrupted(Exception):
    pass


def _test_pause(point: str) -> None:
    # Test seam, inert unless PROMPT_FOO_TEST_PAUSE="<point>:<seconds>" is set: lets the tests
    # and benchmarks/stress_apply.py save a file "as an editor" or press Ctrl-C mid-run.
    spec = os.environ.get("PROMPT_FOO_TEST_PAUSE", "")
    name, _, seconds = spec.partition(":")
    if name == point:
        time.sleep(float(seconds or 1))


@contextmanager
def _deferred_signals():
    """Ctrl-C, SIGTERM and SIGHUP while writing are noted, then handled as a rollback."""
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    old = {s: signal.signal(s, lambda signum, frame: pending.append(signum))
           for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield pending
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _order(changes: list[FileChange]) -> list[FileChange]:
    """Deletions first (deepest first), so a file can give way to a folder of the same name."""
    gone = sorted((c for c in changes if c.after is None), key=lambda c: (-c.rel.count("/"), c.rel))
    rest = sorted((c for c in changes if c.after is not None), key=lambda c: (c.rel.count("/"), c.rel))
    return gone + rest


def _made_dirs(real_root: Path, rel: str) -> list[str]:
    """Folders a new file needs that are not folders now (absent, or a file deleted first)."""
    parts = rel.split("/")[:-1]
    out = []
    for k in range(1, len(parts) + 1):
        d = "/".join(parts[:k])
        if os.path.islink(real_root / d) or not os.path.isdir(real_root / d):
            out.append(d)
    return out


def _split(rel: str) -> tuple[list[str], str]:
    parts = rel.split("/")
    return parts[:-1], parts[-1]


def _prune(jdir: Path, keep: str | None) -> None:
    """Remove saved runs the journal no longer points at (and version-1 pre-images)."""
    runs = jdir / RUNS
    if runs.is_dir():
        for d in runs.iterdir():
            if d.name != keep:
                shutil.rmtree(d, ignore_errors=True)
    for old in jdir.glob("pre-*"):
        old.unlink(missing_ok=True)


def _save_pre_images(rundir: Path, ordered: list[FileChange]) -> list[str | None]:
    rundir.mkdir(parents=True)
    fd = os.open(rundir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    names: list[str | None] = []
    try:
        for k, c in enumerate(ordered):
            if c.before is None:
                names.append(None)
                continue
            tmp = safeio.write_temp(fd, c.before, c.mode if c.mode is not None else 0o644)
            os.rename(tmp, f"pre-{k}", src_dir_fd=fd, dst_dir_fd=fd)
            names.append(f"pre-{k}")
        safeio.fsync_dir(fd)
    finally:
        os.close(fd)
    return names


def _write_one(root_fd: int, e: dict, after: bytes, synced: set) -> None:
    folders, name = _split(e["path"])
    made: list[str] = []
    fd = safeio.open_dir(root_fd, folders, made=made)
    synced.update(d.rpartition("/")[0] for d in made)  # a new folder's entry must be durable too
    try:
        mode = e["mode"] if e["mode"] is not None else safeio.default_mode()
        tmp = safeio.write_temp(fd, after, mode)
        try:
            if e["pre_sha"] is None:
                try:  # link, unlike rename, refuses to replace a file someone just created
                    os.link(tmp, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
                except FileExistsError:
                    raise _Changed(e["path"], "was created by someone else during the run") from None
            else:
                if safeio.hash_at(fd, name) != e["pre_sha"]:
                    raise _Changed(e["path"], "changed on disk after foo-apply read it")
                os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
        finally:
            try:
                os.unlink(tmp, dir_fd=fd)
            except FileNotFoundError:
                pass
        synced.add("/".join(folders))
    finally:
        os.close(fd)


def _delete_one(root_fd: int, e: dict) -> None:
    folders, name = _split(e["path"])
    fd = safeio.open_dir(root_fd, folders)
    try:
        if safeio.hash_at(fd, name) != e["pre_sha"]:
            raise _Changed(e["path"], "changed on disk after foo-apply read it")
        os.unlink(name, dir_fd=fd)
    finally:
        os.close(fd)


def _sync(root_fd: int, folders: set) -> None:
    for rel in folders:
        fd = safeio.open_dir(root_fd, rel.split("/") if rel else [])
        safeio.fsync_dir(fd)
        os.close(fd)


def _restore_one(root_fd: int, pdir: Path, e: dict, allowed: set) -> bool:
    """Put one file back to its pre-image; False if it is neither pre nor an allowed state."""
    folders, name = _split(e["path"])
    try:
        fd = safeio.open_dir(root_fd, folders)
    except FileNotFoundError:
        fd = None
    try:
        now = safeio.hash_at(fd, name) if fd is not None else None
        if now != e["pre_sha"]:
            if now not in allowed:
                return False
            if e["pre"] is None:
                os.unlink(name, dir_fd=fd)
            else:
                if fd is None:
                    fd = safeio.open_dir(root_fd, folders, made=[])
                _place_pre(fd, pdir / e["pre"], name, e["mode"])
            safeio.fsync_dir(fd)
        if fd is not None:
            safeio.remove_temps(fd)
    finally:
        if fd is not None:
            os.close(fd)
    for d in sorted(e.get("made_dirs") or [], key=lambda d: -d.count("/")):
        parent, base = _split(d)
        try:
            pfd = safeio.open_dir(root_fd, parent)
        except OSError:
            continue
        try:
            os.rmdir(base, dir_fd=pfd)
        except OSError:
            pass  # not empty (someone's files) or already gone: leave it
        finally:
            os.close(pfd)
    return True


def _place_pre(fd: int, pre: Path, name: str, mode: int | None) -> None:
    """Restore a pre-image: a hard link needs no free space (a full disk can still roll back);
    a copy when the journal is on another file system."""
    tmp = safeio.tmp_name()
    try:
        os.link(pre, tmp, dst_dir_fd=fd, follow_symlinks=False)
        if mode is not None:
            os.chmod(tmp, mode, dir_fd=fd, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        tmp = safeio.write_temp(fd, pre.read_bytes(), mode if mode is not None else 0o644)
    os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)


def apply_changes(root: Path, changes: list[FileChange], digest: str | None = None) -> None:
    """Write every change, all or nothing (see the module docstring)."""
    real_root = Path(os.path.realpath(root))
    jdir = journal_dir(root)
    jdir.mkdir(parents=True, exist_ok=True)
    prev = load(root)
    if prev is not None and prev.get("state") in UNFINISHED:
        raise JournalRefused("a previous foo-apply or --undo was interrupted",
                             hint=f"Run `foo-apply --undo --root {root}` first.")
    _prune(jdir, keep=prev.get("run") if prev else None)
    try:
        problems = preflight(real_root, jdir, changes)
    except OSError as exc:
        problems = [f"cannot inspect {exc.filename or 'the tree'}: {exc.strerror or exc}"]
    if problems:
        raise WriteFailed("cannot write the reply: " + "; ".join(problems),
                          hint="Nothing was written. Fix the cause, then run foo-apply again.")
    ordered = _order(changes)
    # Signals are held from here on: a Ctrl-C while saving the undo copies is honoured at the
    # first file, as a rollback, so it never leaves a journal that claims a run was cut short.
    with _deferred_signals() as pending:
        run, rundir, manifest = _journal_run(real_root, jdir, ordered, digest)
        _write_all(real_root, jdir, rundir, manifest, ordered, prev, pending)
    _prune(jdir, keep=run)


def _journal_run(real_root: Path, jdir: Path, ordered: list[FileChange], digest):
    """Save the pre-images under a fresh run id, then switch the journal to it."""
    run = time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(4)
    rundir = jdir / RUNS / run
    try:
        pres = _save_pre_images(rundir, ordered)
        entries = [{"path": c.rel, "pre": pre, "mode": c.mode, "pre_sha": safeio.sha(c.before),
                    "post_sha": safeio.sha(c.after), "action": c.action,
                    "made_dirs": _made_dirs(real_root, c.rel) if c.before is None else []}
                   for c, pre in zip(ordered, pres)]
        manifest = {"version": 2, "run": run, "state": "writing", "root": str(real_root),
                    "reply": digest, "files": entries}
        save_manifest(jdir, manifest)
    except OSError as exc:
        shutil.rmtree(rundir, ignore_errors=True)
        raise WriteFailed(f"cannot save the undo copies and journal in {jdir}: "
                          f"{exc.strerror or exc}", hint="Nothing was written.") from None
    return run, rundir, manifest


def _write_all(real_root, jdir, rundir, manifest, ordered, prev, pending) -> None:
    entries = manifest["files"]
    written: list[dict] = []
    current = None
    root_fd = safeio.open_root(real_root)
    try:
        try:
            _test_pause("before-write")
            synced: set = set()
            for e, c in zip(entries, ordered):
                if pending:
                    raise _Interrupted
                current = e
                if c.after is None:
                    _delete_one(root_fd, e)
                else:
                    _write_one(root_fd, e, c.after, synced)
                written.append(e)
                _test_pause("between-writes")
            if pending:
                raise _Interrupted
            _sync(root_fd, synced)
            manifest["state"] = "done"
            save_manifest(jdir, manifest)
        except BaseException as exc:
            _roll_back(root_fd, jdir, rundir, manifest, written, prev, current, exc)
    finally:
        os.close(root_fd)


def _roll_back(root_fd, jdir, rundir, manifest, written, prev, current, exc) -> None:
    """Put back what this run wrote, restore the previous journal, and explain (never returns)."""
    kept = []
    try:
        for e in reversed(written):
            if not _restore_one(root_fd, rundir, e, {e["post_sha"]}):
                kept.append(e["path"])  # changed again after we wrote it: not ours to undo
        if current is not None and current not in written:
            _restore_one(root_fd, rundir, current, set())  # only its temp file and folders
        if prev is not None:
            save_manifest(jdir, prev)
        else:
            remove_manifest(jdir)
        shutil.rmtree(rundir, ignore_errors=True)
        back = "nothing was changed"
        if kept:
            back = "everything else was put back; left as they are now: " + ", ".join(kept)
    except OSError as again:
        raise WriteFailed(
            f"{_cause(exc, current)}; putting the files back failed too ({again.strerror})",
            hint=f"The journal in {jdir} still holds the pre-images: free the cause, then run "
                 "`foo-apply --undo` to finish restoring.") from None
    if isinstance(exc, _Changed):
        raise WriteFailed(f"{exc.rel} {exc.why} (an editor saved it?); {back}",
                          hint="Run foo-apply again: it reads the file as it is now.") from None
    raise WriteFailed(f"{_cause(exc, current)}; {back}",
                      hint="The files are as they were before this run.") from None


def _cause(exc: BaseException, current: dict | None) -> str:
    where = f" {current['path']}" if current else ""
    if isinstance(exc, (_Interrupted, KeyboardInterrupt)):
        return "interrupted while writing"
    if isinstance(exc, safeio.UnsafePath):
        return f"cannot write{where}: {exc.strerror}"
    if isinstance(exc, OSError):
        return f"cannot write{where}: {exc.strerror or exc}"
    return f"writing{where} failed: {type(exc).__name__}: {exc}"


def undo(root: Path) -> list[dict]:
    """Restore the pre-images of the last application (or finish an interrupted undo)."""
    real_root = Path(os.path.realpath(root))
    jdir = journal_dir(root)
    manifest = load(root)
    if manifest is None or manifest.get("state") not in ("done", *UNFINISHED):
        raise JournalRefused("there is no application to undo",
                             hint="Only the last foo-apply run can be undone, once.")
    stopped = manifest["state"] in UNFINISHED
    pdir = pre_dir(jdir, manifest)
    for e in manifest["files"]:
        try:
            # Relative as written (issue 10 lets resolve_target read absolute and ~ targets).
            if resolve_target(real_root, e["path"])[0] != e["path"]:
                raise PathRefused("not a path relative to the root, as foo-apply records")
        except PathRefused as exc:
            raise JournalRefused(f"cannot undo {e['path']}: {exc}",
                                 hint="Nothing was restored.") from None
        if e["pre"] is not None:
            try:
                saved = (pdir / e["pre"]).read_bytes()
            except OSError:
                saved = None
            if safeio.sha(saved) != e["pre_sha"]:
                raise JournalRefused(
                    f"cannot undo: the saved copy of {e['path']} ({pdir / e['pre']}) is "
                    "missing or damaged", hint="Nothing was restored. Restore it from git if "
                    "it is committed (git checkout -- FILE).")
    from .journal import current_sha

    changed = []
    made = {d for e in manifest["files"] for d in e.get("made_dirs") or []}
    for e in manifest["files"]:
        allowed = {e["post_sha"], e["pre_sha"]} if stopped else {e["post_sha"]}
        if e["post_sha"] is None and e["path"] in made:
            allowed.add(safeio.NOT_A_FILE)  # a file this run replaced by a folder
        if current_sha(real_root, e["path"]) not in allowed:
            changed.append(e["path"])
    if changed:
        raise JournalRefused(
            "cannot undo: changed since foo-apply wrote them: " + ", ".join(changed),
            hint="Nothing was restored. Save your edits elsewhere or revert them first.",
        )
    manifest["state"] = "undoing"
    save_manifest(jdir, manifest)
    root_fd = safeio.open_root(real_root)
    try:
        with _deferred_signals():  # finish: a half-undone tree helps no one
            for e in reversed(manifest["files"]):
                if not _restore_one(root_fd, pdir, e, {e["post_sha"]}):
                    raise JournalRefused(f"cannot undo: {e['path']} changed during the undo",
                                         hint="Run `foo-apply --undo` again to finish.")
                _test_pause("between-undos")
            manifest["state"] = "undone"
            save_manifest(jdir, manifest)
    except OSError as exc:
        raise WriteFailed(f"the undo stopped: {exc.strerror or exc}",
                          hint="Free the cause, then run `foo-apply --undo` again to "
                               "finish.") from None
    finally:
        os.close(root_fd)
    return manifest["files"]
