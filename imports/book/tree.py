"""The File Tree section, computed from the tracked-file list (no external tool).

Large repositories would drown the book in tree lines, so a folder deeper than
``max_depth`` that holds no included file is folded into one line with its file count,
and a folder's non-included files beyond ``max_listed`` are folded the same way.
Included files are always shown, with their token counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Dir:
    dirs: dict[str, "_Dir"] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    total: int = 0  # files below, recursively
    included: int = 0  # included files below, recursively


def _build(paths: list[str], included: dict[str, int]) -> _Dir:
    root = _Dir()
    for path in paths:
        parts = path.split("/")
        node = root
        node.total += 1
        hit = path in included
        node.included += hit
        for name in parts[:-1]:
            node = node.dirs.setdefault(name, _Dir())
            node.total += 1
            node.included += hit
        node.files.append(parts[-1])
    return root


def render_tree(paths: list[str], included: dict[str, int], *, root_name: str = ".",
                max_depth: int = 3, max_listed: int = 25) -> str:
    """An ASCII tree of ``paths``; ``included`` maps repo-relative paths to token counts."""
    tree = _build(sorted(set(paths) | set(included)), included)
    lines = [f"{root_name}/"]

    def walk(node: _Dir, prefix: str, rel: str, depth: int) -> None:
        entries: list[tuple[str, str]] = [("d", n) for n in sorted(node.dirs)]
        plain = [f for f in sorted(node.files) if f"{rel}{f}" not in included]
        shown_files = [f for f in sorted(node.files) if f"{rel}{f}" in included]
        folded = 0
        if len(plain) > max_listed:
            folded = len(plain) - max_listed
            plain = plain[:max_listed]
        entries += [("f", n) for n in sorted(shown_files + plain)]
        if folded:
            entries.append(("more", f"… {folded} more file{'s' if folded != 1 else ''}"))
        for i, (kind, name) in enumerate(entries):
            last = i == len(entries) - 1
            branch = "└── " if last else "├── "
            child_prefix = prefix + ("    " if last else "│   ")
            if kind == "d":
                child = node.dirs[name]
                if depth >= max_depth and not child.included:
                    lines.append(f"{prefix}{branch}{name}/ (… {child.total} file{'s' if child.total != 1 else ''})")
                else:
                    lines.append(f"{prefix}{branch}{name}/")
                    walk(child, child_prefix, f"{rel}{name}/", depth + 1)
            elif kind == "f":
                path = f"{rel}{name}"
                suffix = f"  ({included[path]:,} tokens)" if path in included else ""
                lines.append(f"{prefix}{branch}{name}{suffix}")
            else:
                lines.append(f"{prefix}{branch}{name}")

    walk(tree, "", "", 1)
    return "\n".join(lines) + "\n"
