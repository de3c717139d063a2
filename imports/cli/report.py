"""What a person sees on stderr after a compile: the seal, the weights, where the book went."""

from __future__ import annotations


def show_result(console, compiled, emitted, allowed, *, quiet: bool, verbose: bool) -> None:
    from rich.table import Table

    m, facts = compiled.measures, compiled.facts
    if not quiet:
        console.print(compiled.seals[0].human)  # the repository's signature seal
        console.print("seals: " + ", ".join(f"{s.name} drift=0" for s in compiled.seals), style="green")
        table = Table(title="context book", show_edge=False, pad_edge=False)
        table.add_column("section")
        table.add_column("tokens", justify="right")
        for name, n in m.sections:
            table.add_row(name, f"{n:,}")
        table.add_row("[bold]total[/bold]", f"[bold]{m.total:,}[/bold]")
        console.print(table)
        top = sorted(facts.items, key=lambda i: (-i.tokens, i.label))[:5]
        if top:
            # markup=False: a file named "[/x].txt" is a name, not a Rich closing tag
            console.print("largest: " + ", ".join(f"{i.label} ({i.tokens:,})" for i in top), markup=False)
        console.print(f"{len(facts.items)} sources, {len(facts.skipped)} skipped, "
                      f"{len(facts.missing)} missing; {facts.encoding}; {m.size:,} bytes; book xxh3 {m.digest}",
                      markup=False)
        if not m.settled:
            console.print("the token total did not settle; it may be off by a few tokens", style="yellow")
    notes = facts.notes if verbose else [n for n in facts.notes if n.level == "warn"]
    for note in notes:
        console.print(f"note: {note.text}", style="yellow" if note.level == "warn" else None, markup=False)
    for miss in facts.missing:
        console.print(f"missing: {miss}", style="yellow", markup=False)
    for f in allowed:
        console.print(f"allowed secret: {f.label}:{f.line} ({f.kind})", style="yellow", markup=False)
    for w in emitted.warnings:
        console.print(w, style="yellow", markup=False)
    where = ", ".join(emitted.destinations) or "nowhere"
    console.print(f"book: {m.total:,} tokens -> {where}", markup=False)
