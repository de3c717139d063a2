"""Replies copied out of a rendered chat page, the ways people copy them, then applied.

Replies are built from real commits (the generator of bench_reply_corpus.py, clean, in each
dialect and shape), rendered as Markdown (markdown-it-py, CommonMark) into two pages, a
plain one and a chat-styled one whose code blocks carry a header with the language and a
"Copy code" button, and opened in Debian's chromium, headless. Three transports are read
back from the live page:

- copy buttons: each code block's text as its copy button gives it (``textContent``),
  the blocks pasted one after another;
- plain selection: the message selected and copied on the plain page (``innerText``, the
  text Chromium puts on the clipboard for a selection);
- chat selection: the same on the chat-styled page.

Each transported reply is applied by foo-apply to the commit's parent: it ends as the commit
(applied), untouched (refused), or neither (a WRONG WRITE).

    python benchmarks/bench_browser_transport.py /work/.mirror/pallets+click/repo \\
        /work/.mirror/pallets+flask/repo --commits 8
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_reply_corpus import LAST, cases, commits, run_case  # noqa: E402

SHAPES = {"bracket", "bracket-prose-target", "aider", "aider-continue", "patch"}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ font-family: sans-serif; max-width: 50em; }}
.hdr {{ display: flex; justify-content: space-between; background: #333; color: #fff;
        font-size: 12px; padding: 4px 8px; }}
pre {{ background: #f4f4f4; padding: 8px; }}
</style></head><body>
{messages}
<pre id="out"></pre>
<script>
const out = [];
for (const m of document.querySelectorAll(".msg")) {{
  const blocks = [...m.querySelectorAll("pre code")].map(c => c.textContent);
  out.push({{buttons: blocks.join("\\n"), selection: m.innerText}});
}}
document.getElementById("out").textContent = JSON.stringify(out);
</script></body></html>"""


def chat_styled(rendered: str) -> str:
    """Code blocks with the header chat pages put above them: language, then a copy button."""
    import re

    def head(m: re.Match) -> str:
        lang = m.group(1) or "text"
        return (f'<div class="hdr"><span>{lang}</span><button>Copy code</button></div>'
                f'<pre><code class="language-{lang}">')
    rendered = re.sub(r'<pre><code class="language-([\w+-]+)">', head, rendered)
    return rendered.replace("<pre><code>", head(re.match(r"()", "")))


class _Out(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.text = False, []

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "pre" and ("id", "out") in attrs

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)


def read_back(chromium: str, messages: list[str]) -> list[dict]:
    body = "\n".join(f'<div class="msg">{m}</div>' for m in messages)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(PAGE.format(messages=body), encoding="utf-8")
        proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--dump-dom", page.as_uri()], capture_output=True, text=True,
                              timeout=300)
    parser = _Out()
    parser.feed(proc.stdout)
    return json.loads(html.unescape("".join(parser.text)) or "[]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repos", nargs="+")
    ap.add_argument("--commits", type=int, default=8, help="commits per repository")
    ap.add_argument("-v", "--verbose", action="store_true", help="show why each refusal refused")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    items = []
    for repo in args.repos:
        for _sha, files in commits(repo, args.commits):
            for kind, shape, reply, start, child in cases(files, random.Random(0)):
                if kind == "clean" and shape in SHAPES:
                    items.append((shape, reply, start, child))
    plain = read_back(chromium, [md.render(r) for _s, r, _a, _c in items])
    chat = read_back(chromium, [chat_styled(md.render(r)) for _s, r, _a, _c in items])
    stats: dict[tuple[str, str], Counter] = {}
    for (shape, _reply, start, child), p, c in zip(items, plain, chat):
        for transport, text in (("copy buttons", p["buttons"]), ("plain selection", p["selection"]),
                                ("chat selection", c["selection"])):
            got, code = run_case(start, text)
            row = stats.setdefault((shape, transport), Counter())
            row["cases"] += 1
            if got == child and code == 0:
                row["applied"] += 1
            elif got == start:
                row["refused"] += 1
                if args.verbose:
                    print(f"REFUSED {shape} / {transport}:",
                          *[ln for ln in LAST if "applied:" not in ln][:3], sep="\n  ")
            else:
                row["WRONG"] += 1
    total = Counter()
    print(f"{'shape':22} {'transport':16} {'cases':>6} {'applied':>8} {'refused':>8} {'WRONG':>6}")
    for (shape, transport), row in sorted(stats.items()):
        total.update(row)
        print(f"{shape:22} {transport:16} {row['cases']:6} {row['applied']:8} {row['refused']:8} "
              f"{row['WRONG']:6}")
    print(f"\ntotal: {total['cases']} transported replies, {total['applied']} applied as the "
          f"commit, {total['refused']} refused (untouched), {total['WRONG']} wrong writes")


if __name__ == "__main__":
    main()
