"""The repository's files: listing them (git ls-files, or a .gitignore-honouring walk), what
the whole-repository pack leaves out and why, and the fence language of a file name."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

from ..config import Workspace


def listing(ws: Workspace) -> tuple[list[str], list[str]]:
    """(files, pruned folders): git ls-files inside git, else a .gitignore-honouring walk."""
    if ws.in_git:
        try:
            out = subprocess.run(["git", "ls-files", "-z"], cwd=ws.root, capture_output=True, check=True).stdout
            return [p for p in os.fsdecode(out).split("\0") if p], []
        except (OSError, subprocess.CalledProcessError):
            pass  # no git binary, or a broken repository: fall back to the walk
    return walk(ws.root)


# -- default selection: what the whole-repository pack leaves out, and why ------------------
_LOCK_FILES = set("""uv.lock poetry.lock pipfile.lock pdm.lock package-lock.json npm-shrinkwrap.json yarn.lock
pnpm-lock.yaml bun.lock bun.lockb deno.lock cargo.lock gemfile.lock composer.lock go.sum flake.lock mix.lock
pubspec.lock podfile.lock package.resolved packages.lock.json gradle.lockfile conda-lock.yml""".split())
_IMAGES = set("png jpg jpeg gif bmp ico icns webp tif tiff psd avif heic xcf".split())
_BINARIES = set("""woff woff2 ttf otf eot zip gz tgz bz2 xz 7z rar tar zst jar war whl egg pyc pyo pyd so
dylib dll exe o a obj lib class bin wasm mp3 mp4 wav ogg flac m4a mov avi mkv webm pdf doc docx xls xlsx ppt
pptx odt ods sqlite sqlite3 db pkl pickle npy npz parquet feather h5 hdf5 onnx pt pth safetensors ckpt""".split())
_VENDORED_DIRS = {"node_modules", "bower_components", "vendor"}
_MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.css", ".js.map", ".css.map", ".bundle.js")
# Folders a walk outside git never enters (inside git, ls-files already leaves them out).
_WALK_PRUNE = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
               ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs"}

_LANG_BY_EXT = dict(pair.split(":") for pair in """py:python pyi:python pyw:python ipynb:json js:javascript
mjs:javascript cjs:javascript jsx:jsx ts:typescript tsx:tsx mts:typescript json:json jsonc:json json5:json5
md:markdown markdown:markdown mdx:mdx rst:rst txt:text toml:toml yaml:yaml yml:yaml ini:ini cfg:ini conf:ini
html:html htm:html xml:xml xsl:xml svg:xml css:css scss:scss sass:sass less:less sh:bash bash:bash zsh:zsh fish:fish
ps1:powershell bat:batch cmd:batch c:c h:c cc:cpp cpp:cpp cxx:cpp hpp:cpp hh:cpp cs:csharp java:java kt:kotlin
kts:kotlin scala:scala go:go rs:rust rb:ruby php:php pl:perl pm:perl lua:lua r:r jl:julia swift:swift m:objectivec
mm:objectivec dart:dart ex:elixir exs:elixir erl:erlang hs:haskell ml:ocaml clj:clojure el:elisp lisp:lisp
scm:scheme nix:nix sql:sql graphql:graphql gql:graphql proto:protobuf tf:hcl hcl:hcl vim:vim tex:latex bib:bibtex
csv:csv tsv:tsv diff:diff patch:diff vue:vue svelte:svelte astro:astro zig:zig nim:nim v:v sol:solidity
dockerfile:dockerfile mk:makefile cmake:cmake gradle:groovy groovy:groovy j2:jinja jinja:jinja jinja2:jinja
liquid:liquid hbs:handlebars""".split())
_LANG_BY_NAME = dict(pair.split(":") for pair in """makefile:makefile gnumakefile:makefile dockerfile:dockerfile
containerfile:dockerfile justfile:just cmakelists.txt:cmake gemfile:ruby rakefile:ruby vagrantfile:ruby .bashrc:bash
.zshrc:zsh .profile:bash .gitignore:gitignore .gitattributes:gitattributes .editorconfig:ini .env:dotenv""".split())


def language_for(label: str) -> str:
    """The fence's language tag for a file name ("text" when unknown)."""
    name = label.rsplit("/", 1)[-1].lower()
    if name in _LANG_BY_NAME:
        return _LANG_BY_NAME[name]
    if name.startswith("dockerfile"):
        return "dockerfile"
    return _LANG_BY_EXT.get(name.rsplit(".", 1)[-1], "text") if "." in name.strip(".") else "text"


def default_reason(rel: str) -> str | None:
    """Why the whole-repository pack leaves ``rel`` out (by its path alone), or None."""
    parts = rel.split("/")
    name = parts[-1].lower()
    if name in _LOCK_FILES or name.endswith((".lock", ".lockb")):
        return "lock file"
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext == "svg":
        return "SVG image"
    if ext in _IMAGES:
        return "image"
    if ext in _BINARIES:
        return f"binary file type (.{ext})"
    if name.endswith(_MINIFIED_SUFFIXES):
        return "minified bundle or source map"
    vendored = next((p for p in parts[:-1] if p in _VENDORED_DIRS), None)
    if vendored:
        return f"vendored ({vendored}/)"
    return None


def exclude_matcher(patterns: list[str]) -> Callable[[str], str | None] | None:
    """A function giving the gitignore-style pattern that excludes a path (None when none does)."""
    patterns = [p for p in patterns if p and p.strip()]
    if not patterns:
        return None
    import pathspec

    combined = pathspec.GitIgnoreSpec.from_lines(patterns)
    singles = [(p, pathspec.GitIgnoreSpec.from_lines([p])) for p in patterns if not p.startswith("!")]

    def match(rel: str) -> str | None:
        if not combined.match_file(rel):
            return None
        return next((p for p, spec in reversed(singles) if spec.match_file(rel)), patterns[-1])

    return match


def walk(root: Path) -> tuple[list[str], list[str]]:
    """(files, pruned folders) under ``root``, honouring every .gitignore on the way, sorted."""
    import pathspec

    files: list[str] = []
    pruned: list[str] = []
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        if ".gitignore" in filenames:
            try:
                lines = Path(dirpath, ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
                specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        active = [(base, spec) for base, spec in specs if not base or rel_dir == base or rel_dir.startswith(base + "/")]

        def ignored(rel: str) -> bool:
            return any(spec.match_file(rel[len(base) + 1:] if base else rel) for base, spec in active)

        kept = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if name in _WALK_PRUNE:
                if name != ".git":
                    pruned.append(rel)
            elif not ignored(rel + "/"):
                kept.append(name)
        dirnames[:] = kept
        files.extend(rel for rel in (f"{rel_dir}/{n}" if rel_dir else n for n in filenames) if not ignored(rel))
    return sorted(files), sorted(pruned)
