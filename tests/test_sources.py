"""collect(), default_entries(), tracked_files(), cli_entries() on real repositories in tmp folders."""

from __future__ import annotations

import os
import subprocess

import pytest

from prompt_foo_loom.config import Workspace, open_workspace
from prompt_foo_loom.errors import PromptFooError
from prompt_foo_loom.collect.manifest import Entry
from prompt_foo_loom.model import Note, Skipped, Source
from prompt_foo_loom.collect.sources import cli_entries, collect, decode, default_entries, language_for, tracked_files


def path_entry(text: str, origin: str = "manifest", line: int = 1) -> Entry:
    return Entry(text, "path", line, origin=origin)


def test_files_exact_text_with_language_tags(git_repo):
    git_repo.write("src/app.py", "print('hi')\r\n\tx = 1  \n")
    git_repo.write("README.md", "# Title\n\n```python\nx\n```\n")
    git_repo.write("Makefile", "all:\n\techo\n")
    git_repo.write("bom.txt", "\ufeffwith bom\n")
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry(p) for p in ("src/app.py", "README.md", "Makefile", "bom.txt")])
    assert col.sources == [
        Source("file", "src/app.py", "print('hi')\r\n\tx = 1  \n", "python", 22, (), "src/app.py"),
        Source("file", "README.md", "# Title\n\n```python\nx\n```\n", "markdown", 25, (), "README.md"),
        Source("file", "Makefile", "all:\n\techo\n", "makefile", 11, (), "Makefile"),
        Source("file", "bom.txt", "\ufeffwith bom\n", "text", 12, (), "bom.txt"),
    ]
    assert col.missing == [] and col.skipped == [] and col.notes == []


@pytest.mark.parametrize("name, lang", [
    ("a.py", "python"), ("b/c.TS", "typescript"), ("x.rs", "rust"), ("Dockerfile.dev", "dockerfile"),
    ("CMakeLists.txt", "cmake"), ("notes", "text"), (".gitignore", "gitignore"), ("x.unknownext", "text"),
    ("flake.nix", "nix"), ("conf.yml", "yaml"),
])
def test_language_for(name, lang):
    assert language_for(name) == lang


def test_binary_and_undecodable_files_are_never_dropped_silently(git_repo):
    git_repo.write("data.bin", b"\x00\x01\x02binary")
    git_repo.write("latin1.txt", b"caf\xe9 cr\xe8me\n")
    git_repo.write("utf16.txt", "hello\n".encode("utf-16"))
    git_repo.write("ja.md", "日本語のドキュメント。" * 200)  # multibyte text over any 1 KB window
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry(p, line=i + 1) for i, p in enumerate(
        ["data.bin", "latin1.txt", "utf16.txt", "ja.md"])])
    assert col.sources == [
        Source("file", "data.bin", "[binary (9 bytes, NUL bytes found); contents not included]\n", "text", 9,
               ("binary (9 bytes, NUL bytes found); not included",), "data.bin"),
        Source("file", "latin1.txt", "caf\ufffd cr\ufffdme\n", "text", 11,
               ("not valid UTF-8 (first bad byte at offset 3): decoded with replacement",), "latin1.txt"),
        Source("file", "utf16.txt", "hello\n", "text", 14, ("decoded from UTF-16",), "utf16.txt"),
        Source("file", "ja.md", "日本語のドキュメント。" * 200, "markdown", 6600, (), "ja.md"),
    ]
    assert col.notes == [
        Note("foo_files.py:1: data.bin: binary (9 bytes, NUL bytes found); included as a note", "warn"),
        Note("foo_files.py:2: latin1.txt: not valid UTF-8 (first bad byte at offset 3): decoded with replacement",
             "warn"),
        Note("foo_files.py:3: utf16.txt: decoded from UTF-16", "warn"),
    ]


def test_decode_uses_the_whole_file_not_a_prefix():
    text = "é" * 600  # 1,200 bytes: a 1,024-byte window would cut a character in half
    assert decode(text.encode()) == (text, ())
    assert decode(b"ok\x00") == (None, ())


def test_outside_root_only_when_written_explicitly_and_flagged(git_repo, tmp_path, monkeypatch):
    outside = tmp_path / "elsewhere" / "shared.py"
    outside.parent.mkdir()
    outside.write_text("SHARED = 1\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    git_repo.write("inside.py", "x = 1\n")
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry(str(outside)), path_entry("~/elsewhere/shared.py", line=2),
                       path_entry("../elsewhere/shared.py", line=3), path_entry(str(git_repo.root / "inside.py"), line=4)])
    flags = ("outside repository",)
    assert col.sources == [
        # the absolute form under home is shown as ~/…, so the ~ entry is the same file: a duplicate
        Source("file", "~/elsewhere/shared.py", "SHARED = 1\n", "python", 11, flags, None),
        Source("file", "../elsewhere/shared.py", "SHARED = 1\n", "python", 11, flags, None),
        Source("file", "inside.py", "x = 1\n", "python", 6, (), "inside.py"),  # absolute inside: made relative
    ]
    assert col.notes[0] == Note("foo_files.py:1: ~/elsewhere/shared.py: outside repository", "warn")


def test_symlink_out_of_the_repository_is_skipped_in_the_default_walk(git_repo, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours\n")
    git_repo.write("ok.py", "x = 1\n")
    os.symlink(secret, git_repo.root / "link.txt")
    git_repo.commit()
    ws = open_workspace(git_repo.root)
    entries, skipped = default_entries(ws, [])
    col = collect(ws, entries)
    assert [s.label for s in col.sources] == ["ok.py"]
    assert col.skipped == [Skipped("link.txt", "symlink to a file outside the repository")]
    with pytest.raises(PromptFooError, match="link.txt is a symlink to .*, outside the repository"):
        collect(ws, [path_entry("link.txt")])  # named in a manifest: refused (issue 12)
    named = collect(ws, [path_entry("link.txt", origin="cli")])  # named by the user: read, flagged
    assert named.sources[0].flags == ("symlink to a file outside the repository",)


def test_missing_entries_and_the_lost_bang_hint(git_repo):
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry("gone.py", line=3), path_entry("git log -n 3 | cat", line=4)])
    assert col.sources == [] and col.missing == ["gone.py", "git log -n 3 | cat"]
    assert col.notes == [
        Note("foo_files.py:3: gone.py does not exist", "warn"),
        Note("foo_files.py:4: git log -n 3 | cat does not exist; it looks like a shell command: "
             "did you mean `! git log -n 3 | cat`?", "warn"),
    ]


def test_default_selection_lists_every_exclusion(git_repo):
    files = {
        "src/app.py": "x = 1\n", "docs/guide.md": "# Guide\n", "uv.lock": "lock\n", "poetry.lock": "",
        "web/package-lock.json": "{}", "web/yarn.lock": "", "Cargo.lock": "", "logo.png": b"\x89PNG\x00",
        "icon.svg": "<svg/>", "web/app.min.js": "x", "web/vendor/lib.js": "y", "fonts/a.woff2": b"\x00",
        "build/gen.py": "z = 1\n", "notes/todo.txt": "todo\n", "blob.dat": b"\x00\x01",
        "web/huge.js": "var a=1;" * 4000,
    }
    for path, text in files.items():
        git_repo.write(path, text)
    git_repo.write("pyproject.toml", '[tool.prompt-foo]\nexclude = ["build/"]\n')
    git_repo.commit()
    ws = open_workspace(git_repo.root)
    entries, skipped = default_entries(ws, ["build/", "notes/*.txt"])
    assert [e.text for e in entries] == ["blob.dat", "docs/guide.md", "pyproject.toml", "src/app.py", "web/huge.js"]
    assert all(e.origin == "default" for e in entries)
    assert skipped == [
        Skipped("Cargo.lock", "lock file"),
        Skipped("build/gen.py", "excluded by [tool.prompt-foo] exclude 'build/'"),
        Skipped("fonts/a.woff2", "binary file type (.woff2)"),
        Skipped("icon.svg", "SVG image"),
        Skipped("logo.png", "image"),
        Skipped("notes/todo.txt", "excluded by --exclude 'notes/*.txt'"),
        Skipped("poetry.lock", "lock file"),
        Skipped("uv.lock", "lock file"),
        Skipped("web/app.min.js", "minified bundle or source map"),
        Skipped("web/package-lock.json", "lock file"),
        Skipped("web/vendor/lib.js", "vendored (vendor/)"),
        Skipped("web/yarn.lock", "lock file"),
    ]
    # What only reading reveals (NUL bytes, minified text) is skipped by collect, with the reason.
    col = collect(ws, entries)
    assert [s.label for s in col.sources] == ["docs/guide.md", "pyproject.toml", "src/app.py"]
    assert col.skipped == [Skipped("blob.dat", "binary (2 bytes, NUL bytes found)"),
                           Skipped("web/huge.js", "looks minified (very long lines)")]


def test_tracked_files_ignores_untracked_and_deleted_is_skipped(git_repo):
    git_repo.write("a.py", "a\n")
    git_repo.write("b.py", "b\n")
    git_repo.commit()
    git_repo.write("untracked.py", "u\n")
    (git_repo.root / "b.py").unlink()
    ws = open_workspace(git_repo.root)
    assert tracked_files(ws) == ["a.py", "b.py"]
    col = collect(ws, default_entries(ws, [])[0])
    # Issue 15: a new file not yet added (and not ignored) is packed, flagged as untracked.
    assert [(s.label, s.flags) for s in col.sources] == [
        ("a.py", ()), ("untracked.py", ("untracked: not yet added to git",))]
    assert col.skipped == [Skipped("b.py", "tracked, but not in the work tree")] and col.missing == []


def test_outside_git_walks_the_folder_honouring_gitignore(tmp_path):
    root = tmp_path / "plain"
    for rel, text in {"a.py": "a", "sub/b.py": "b", "sub/.gitignore": "*.log\nout/\n", "sub/x.log": "l",
                      "sub/out/o.py": "o", ".gitignore": "/secret.txt\n", "secret.txt": "s", "deep/secret.txt": "d",
                      ".venv/lib.py": "v", "node_modules/m.js": "m", "pkg/__pycache__/c.pyc": "c"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    ws = Workspace(root=root, in_git=False)
    assert tracked_files(ws) == [".gitignore", "a.py", "deep/secret.txt", "sub/.gitignore", "sub/b.py"]
    entries, skipped = default_entries(ws, [])
    assert [e.text for e in entries] == [".gitignore", "a.py", "deep/secret.txt", "sub/.gitignore", "sub/b.py"]
    assert skipped == [Skipped(f"{d}/", "folder not walked (tool or cache folder)")
                       for d in (".venv", "node_modules", "pkg/__pycache__")]


def test_folder_entries_expand_to_tracked_files_with_default_exclusions(git_repo):
    git_repo.write("pkg/a.py", "a = 1\n")
    git_repo.write("pkg/sub/b.py", "b = 2\n")
    git_repo.write("pkg/logo.png", b"\x89PNG")
    git_repo.write("other.py", "o\n")
    git_repo.commit()
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry("pkg/sub/b.py"), path_entry("pkg/", line=2)])
    assert [s.label for s in col.sources] == ["pkg/sub/b.py", "pkg/a.py"]  # b.py once, where first named
    assert col.skipped == [Skipped("pkg/logo.png", "image")]
    assert Note("foo_files.py:2: pkg/: folder expanded to 3 files", "info") in col.notes


def test_cli_entries_are_made_relative_to_the_repository_root(git_repo, tmp_path, monkeypatch):
    git_repo.write("src/pkg/mod.py", "m\n")
    (tmp_path / "home" / "notes.md").parent.mkdir()
    (tmp_path / "home" / "notes.md").write_text("n\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(git_repo.root / "src")
    ws = open_workspace()
    entries = cli_entries(ws, ["pkg/mod.py", "../README.md", str(tmp_path / "home" / "notes.md"),
                               "https://example.test/x"])
    assert entries == [
        Entry("src/pkg/mod.py", "path", origin="cli"),
        Entry("README.md", "path", origin="cli"),
        Entry("~/notes.md", "path", origin="cli"),
        Entry("https://example.test/x", "url", origin="cli"),
    ]
    col = collect(ws, entries[:1] + entries[2:3])
    assert [(s.label, s.flags, s.path) for s in col.sources] == [
        ("src/pkg/mod.py", (), "src/pkg/mod.py"), ("~/notes.md", ("outside repository",), None)]


def test_sources_keep_entry_order_across_kinds(git_repo):
    git_repo.write("a.py", "a\n")
    git_repo.write("b.py", "b\n")
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry("b.py"), Entry("! echo mid", "command", 2), path_entry("a.py", line=3)])
    assert [(s.kind, s.label) for s in col.sources] == [("file", "b.py"), ("command", "! echo mid"), ("file", "a.py")]
    assert col.sources[1].text == "mid\n"


def test_default_listing_is_git_ls_files(git_repo):
    """Same set and order as git itself, including paths with spaces and non-ASCII names."""
    for rel in ("b.py", "a b.py", "dir/ü.py", "Z.py"):
        git_repo.write(rel, "x\n")
    git_repo.commit()
    out = subprocess.run(["git", "ls-files", "-z"], cwd=git_repo.root, capture_output=True, check=True).stdout
    assert tracked_files(open_workspace(git_repo.root)) == [p for p in out.decode().split("\0") if p]
    assert tracked_files(open_workspace(git_repo.root)) == ["Z.py", "a b.py", "b.py", "dir/ü.py"]


def test_submodule_folder_in_the_default_listing_is_skipped(git_repo):
    git_repo.write("a.py", "a\n")
    git_repo.commit()
    head = git_repo.git("rev-parse", "HEAD").strip()
    git_repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},lib")  # a gitlink, as a submodule
    (git_repo.root / "lib").mkdir()
    ws = open_workspace(git_repo.root)
    assert tracked_files(ws) == ["a.py", "lib"]
    col = collect(ws, default_entries(ws, [])[0])
    assert [s.label for s in col.sources] == ["a.py"]
    assert col.skipped == [Skipped("lib", "folder (a git submodule?): not read")]
    assert col.missing == [] and col.notes == []


def test_notes_for_default_entries_name_the_selection(git_repo):
    git_repo.write("odd.txt", b"\xff\xfe\x00")  # a UTF-16 BOM, then half a code unit
    git_repo.write("bad.txt", b"ok \xff\n")
    git_repo.commit()
    ws = open_workspace(git_repo.root)
    col = collect(ws, default_entries(ws, [])[0])
    assert col.skipped == [Skipped("odd.txt", "binary (3 bytes, NUL bytes found)")]
    assert col.notes == [Note("default selection: bad.txt: not valid UTF-8 (first bad byte at offset 3): "
                              "decoded with replacement", "warn")]


def test_folder_outside_the_repository_is_walked_and_flagged(git_repo, tmp_path):
    ext = tmp_path / "ext"
    (ext / "sub").mkdir(parents=True)
    (ext / "x.py").write_text("x\n")
    (ext / "sub" / "y.md").write_text("y\n")
    (ext / "pic.png").write_bytes(b"\x89PNG")
    ws = open_workspace(git_repo.root)
    col = collect(ws, [path_entry("../ext/")])
    assert [(s.label, s.flags, s.path) for s in col.sources] == [
        ("../ext/sub/y.md", ("outside repository",), None), ("../ext/x.py", ("outside repository",), None)]
    assert col.skipped == [Skipped("../ext/pic.png", "image")]
