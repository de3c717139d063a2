"""The Neovim plugin in a real headless Neovim (-u NONE), driving the real commands: the
installed `prompt-foo` and `foo-apply` (this environment's bin folder on PATH), as a user's
`setup({})` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, require_tool
from test_clipboard import start_xvfb

from prompt_foo_loom import clipboard

# Loaded after the plugin: helpers for the test body, which ends by writing its findings.
PRELUDE = r"""
local pf = require('prompt_foo')
local OUT = os.getenv('NVIM_TEST_OUT')
local function run(fn)
  local before = pf.last
  fn()
  local done = vim.wait(90000, function() return pf.last ~= before end, 50)
  assert(done, 'the job did not finish in time')
  return pf.last
end
local function qf()
  local items = {}
  for _, it in ipairs(vim.fn.getqflist()) do
    table.insert(items, { file = it.bufnr > 0 and vim.api.nvim_buf_get_name(it.bufnr) or '',
      lnum = it.lnum, type = it.type, text = it.text })
  end
  return { title = vim.fn.getqflist({ title = 1 }).title, items = items }
end
-- The summary float takes the focus (q closes it); close it as a user would.
local function close_float()
  if vim.api.nvim_win_get_config(0).relative ~= '' then vim.cmd('close') end
end
local findings = {}
local ok, err = pcall(function()
"""

POSTLUDE = r"""
end)
findings.error = (not ok) and tostring(err) or nil
local fh = assert(io.open(OUT, 'w'))
fh:write(vim.fn.json_encode(findings))
fh:close()
vim.cmd('qa!')
"""


def run_nvim(body: str, cwd: Path, tmp_path: Path, env: dict | None = None) -> dict:
    """Run ``body`` (Lua) in headless Neovim with only this plugin loaded; return its findings."""
    nvim = require_tool("nvim")
    script = tmp_path / "test.lua"
    out = tmp_path / "findings.json"
    script.write_text(PRELUDE + body + POSTLUDE, encoding="utf-8")
    os_env = __import__("os").environ
    # The installed commands: this environment's entry points, first on PATH.
    path = f"{Path(sys.executable).parent}:{os_env['PATH']}"
    full_env = {**os_env, "PATH": path, "NVIM_TEST_OUT": str(out), **(env or {})}
    done = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
         "--cmd", f"set rtp+={ROOT / 'editors' / 'nvim'}",
         "-c", "runtime plugin/prompt_foo.lua", "-c", f"luafile {script}",
         "-c", "cquit 3"],  # reached only if the script itself failed to run
        cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180,
    )
    assert out.exists(), f"Neovim wrote no findings (exit {done.returncode}): {done.stderr[-2000:]}"
    findings = json.loads(out.read_text(encoding="utf-8"))
    assert findings.get("error") is None, findings["error"]
    return findings


@pytest.fixture
def project(git_repo):
    git_repo.write("greet.py", 'def greet(name):\n    return "Hello, " + name\n')
    git_repo.write("notes/intent.md", "placeholder\n")
    git_repo.commit("start")
    return git_repo


@pytest.fixture
def display(monkeypatch):
    proc, name = start_xvfb()
    monkeypatch.setenv("DISPLAY", name)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv(clipboard.ENV, raising=False)
    yield name
    proc.terminate()
    proc.wait(timeout=10)


def lua_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for this text


SETUP = "pf.setup({{ compile_args = {{ '-o', 'book.md' }} }})\n"


def test_compile_the_buffer_shows_the_summary_and_fills_the_clipboard(project, display, tmp_path):
    require_tool("xclip")
    intent = "Rename greet to welcome and keep the greeting.\nSecond line of intent.\n"
    project.write("notes/intent.md", intent)
    body = SETUP.format() + f"""
vim.cmd('edit ' .. {lua_str(str(project.root / 'notes' / 'intent.md'))})
local last = run(function() vim.cmd('FooCompile') end)
findings.code, findings.stderr = last.code, last.stderr
findings.float = pf.last_float.lines
findings.float_is_floating = vim.api.nvim_win_get_config(pf.last_float.win).relative == 'editor'
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    book = (project.root / "book.md").read_bytes()
    assert findings["code"] == 0, findings["stderr"]
    assert findings["float_is_floating"] is True
    assert findings["float"][0] == "prompt-foo: exit 0 (done)"
    assert findings["float"][2:] == findings["stderr"]
    assert "book.md" in "\n".join(findings["stderr"])
    assert "clipboard (xclip)" in "\n".join(findings["stderr"])
    # The intent arrived exactly, as the last thing in the Prompt section.
    assert book.decode("utf-8").rstrip("\n").endswith(intent.rstrip("\n") + "\n--- END: Prompt ---")
    # What the compile put on the clipboard is the book, byte for byte, after the job exited.
    assert clipboard.paste("xclip").encode("utf-8") == book


def test_compile_a_selection_and_show_a_refusal_with_its_meaning(project, tmp_path):
    project.write("notes/intent.md", "not this line\nonly this line ✓\nnor this one\n")
    body = f"""
pf.setup({{ compile_args = {{ '--no-clipboard', '-o', 'book.md' }} }})
vim.cmd('edit ' .. {lua_str(str(project.root / 'notes' / 'intent.md'))})
local last = run(function() vim.cmd('2FooCompile') end)
findings.selection_code = last.code
close_float()
findings.line_book = table.concat(vim.fn.readfile({lua_str(str(project.root / 'book.md'))}), string.char(10))
vim.cmd('normal! 2G0wv$h' .. vim.api.nvim_replace_termcodes('<Esc>', true, false, true))
last = run(function() vim.cmd("'<,'>FooCompile") end)
findings.chars_code = last.code
close_float()
last = run(function() vim.cmd('FooCompile --budget 10') end)
findings.budget_code, findings.budget_float = last.code, pf.last_float.lines
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    assert findings["selection_code"] == 0
    prompt_section = findings["line_book"].split("--- START: Prompt ---\n")[1]
    assert prompt_section.endswith("\nonly this line ✓\n--- END: Prompt ---")
    assert "not this line" not in prompt_section and "nor this one" not in prompt_section
    # A characterwise selection sends just those characters.
    assert findings["chars_code"] == 0
    book = (project.root / "book.md").read_text(encoding="utf-8")
    assert book.rstrip("\n").endswith("\nthis line ✓\n--- END: Prompt ---")
    assert findings["budget_code"] == 3
    assert findings["budget_float"][0] == "prompt-foo: exit 3 (over the token budget; nothing emitted)"
    assert any("budget" in line for line in findings["budget_float"][2:])


def reply(search: str, replace: str) -> str:
    return ("Here is the change.\n\n```text\nTarget: greet.py\n[[[SEARCH]]]\n" + search
            + "[[[DIVIDER]]]\n" + replace + "[[[REPLACE]]]\n```\n")


def test_apply_from_the_clipboard_reloads_the_buffer_then_undo(project, display, tmp_path):
    require_tool("xclip")
    if not (ROOT / "imports" / "cli" / "apply.py").exists():
        pytest.fail("the applier (imports/cli/apply.py) is not merged yet")
    clipboard.copy(reply("def greet(name):\n", "def welcome(name):\n"), "xclip")
    target = project.root / "greet.py"
    body = f"""
pf.setup({{}})
vim.cmd('edit ' .. {lua_str(str(target))})
local last = run(function() vim.cmd('FooApply') end)
findings.apply_code, findings.status = last.code, last.result and last.result.status
findings.apply_stderr = last.stderr
findings.buffer_after_apply = vim.api.nvim_buf_get_lines(0, 0, -1, false)
findings.qf_apply = qf()
last = run(function() vim.cmd('FooUndo') end)
findings.undo_code, findings.undo_status = last.code, last.result and last.result.status
findings.buffer_after_undo = vim.api.nvim_buf_get_lines(0, 0, -1, false)
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    assert (findings["apply_code"], findings["status"]) == (0, "applied"), findings["apply_stderr"]
    assert findings["buffer_after_apply"] == ["def welcome(name):", '    return "Hello, " + name']
    assert findings["qf_apply"]["title"] == "foo-apply: applied (exit 0)"
    located = [i for i in findings["qf_apply"]["items"] if i["file"]]
    assert [(Path(i["file"]).name, i["lnum"], i["text"]) for i in located] == [
        ("greet.py", 1, "block 1: applied")]
    assert (findings["undo_code"], findings["undo_status"]) == (0, "undone")
    assert target.read_text(encoding="utf-8") == 'def greet(name):\n    return "Hello, " + name\n'
    assert findings["buffer_after_undo"] == ["def greet(name):", '    return "Hello, " + name']


def test_refused_reply_from_the_buffer_lists_each_block_in_quickfix(project, tmp_path):
    if not (ROOT / "imports" / "cli" / "apply.py").exists():
        pytest.fail("the applier (imports/cli/apply.py) is not merged yet")
    bad = reply("def greeting(name):\n", "def welcome(name):\n")
    body = f"""
pf.setup({{}})
vim.cmd('edit ' .. {lua_str(str(project.root / 'greet.py'))})
vim.cmd('enew')
vim.api.nvim_buf_set_lines(0, 0, -1, false, vim.split({lua_str(bad.rstrip(chr(10)))}, '\\n'))
local last = run(function() vim.cmd('FooApply!') end)
findings.code, findings.status = last.code, last.result and last.result.status
findings.qf = qf()
findings.qf_open = vim.fn.getqflist({{ winid = 1 }}).winid ~= 0
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    assert (findings["code"], findings["status"]) == (1, "refused")
    assert findings["qf"]["title"] == "foo-apply: refused (exit 1)"
    errors = [i for i in findings["qf"]["items"] if i["type"] == "E"]
    # The SEARCH matched nowhere, so the block points at the file's top and at its reply line.
    assert [(Path(e["file"]).name, e["lnum"]) for e in errors] == [("greet.py", 1)]
    assert errors[0]["text"].startswith("block 1: refused: ")
    assert errors[0]["text"].endswith(" (reply line 5)")
    assert findings["qf_open"] is True
    assert (project.root / "greet.py").read_text(encoding="utf-8").startswith("def greet(name):")


def test_a_python_without_the_dependencies_or_a_missing_command_is_explained(project, tmp_path):
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=60)
    body = f"""
pf.setup({{ checkout = true, python = {lua_str(str(bare / 'bin' / 'python'))} }})
vim.cmd('edit ' .. {lua_str(str(project.root / 'notes' / 'intent.md'))})
local last = run(function() vim.cmd('FooCompile') end)
findings.code, findings.float = last.code, pf.last_float.lines
close_float()
pf.setup({{ compile_cmd = {{ {lua_str(str(tmp_path / 'nowhere' / 'prompt-foo'))} }} }})
last = run(function() vim.cmd('FooCompile') end)
findings.missing_code, findings.missing = last.code, last.stderr
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    assert findings["code"] == 1
    assert findings["float"][0] == "prompt-foo: exit 1 (refused or failed; nothing was written)"
    assert any("ModuleNotFoundError" in line for line in findings["float"])
    assert findings["float"][-2].startswith("hint: this Python lacks prompt-foo's dependencies")
    assert findings["missing_code"] == 127
    assert findings["missing"] == [f"{tmp_path / 'nowhere' / 'prompt-foo'} is not executable"]


def test_keymaps_are_opt_in(tmp_path):
    body = r"""
vim.g.mapleader = ','
local function maps()
  local found = {}
  for _, lhs in ipairs({ ',pc', ',pa', ',pb', ',pd', ',pu' }) do
    found[lhs] = vim.fn.maparg(lhs, 'n')
  end
  found.visual = vim.fn.maparg(',pc', 'x')
  return found
end
pf.setup({})
findings.default = maps()
pf.setup({ keymaps = true })
findings.defaults_on = maps()
pf.setup({ keymaps = { apply = '<F6>' } })
findings.own = vim.fn.maparg('<F6>', 'n')
findings.commands = vim.tbl_keys(vim.api.nvim_get_commands({}))
table.sort(findings.commands)
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    assert set(findings["default"].values()) == {""}
    assert findings["defaults_on"] == {
        ",pc": "<Cmd>FooCompile<CR>", ",pa": "<Cmd>FooApply<CR>", ",pb": "<Cmd>FooApply!<CR>",
        ",pd": "<Cmd>FooDryRun<CR>", ",pu": "<Cmd>FooUndo<CR>", "visual": ":FooCompile<CR>"}
    assert findings["own"] == "<Cmd>FooApply<CR>"
    assert findings["commands"] == ["FooApply", "FooCompile", "FooDryRun", "FooUndo"]


def test_default_setup_runs_the_installed_commands_and_says_when_they_are_missing(tmp_path):
    body = r"""
pf.setup({})
findings.compile, findings.apply = pf.command('compile'), pf.command('apply')
pf.setup({ checkout = true })
findings.checkout = pf.command('compile')
pf.setup({})
local last = run(function() vim.cmd('FooCompile') end)
findings.code, findings.stderr = last.code, last.stderr
"""
    bare_path = {"PATH": "/usr/bin:/bin"}  # no prompt-foo there
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path, env=bare_path)
    assert (findings["compile"], findings["apply"]) == (["prompt-foo"], ["foo-apply"])
    assert findings["checkout"] == ["python3", str(ROOT / "prompt_foo.py")]
    assert findings["code"] == 127
    assert findings["stderr"] == [
        "prompt-foo is not on PATH: install prompt-foo (README: Install, e.g. `pipx install .` in the checkout),"
        " or setup({ checkout = true, python = ... }) to run the checkout's launchers"]


def checkhealth(tmp_path, env=None, setup="") -> list[str]:
    body = setup + r"""
vim.cmd('checkhealth prompt_foo')
findings.report = vim.api.nvim_buf_get_lines(0, 0, -1, false)
"""
    return run_nvim(body, cwd=tmp_path, tmp_path=tmp_path, env=env)["report"]


def test_checkhealth_reports_the_installed_commands_and_their_versions(tmp_path):
    import prompt_foo_loom

    report = checkhealth(tmp_path)
    version = prompt_foo_loom.__version__
    assert f"  - OK: prompt-foo: prompt-foo, version {version}" in report
    assert f"  - OK: foo-apply: foo-apply, version {version}" in report
    assert "## prompt-foo: commands" in report and "## prompt-foo: clipboard" in report
    assert "  - OK: git is on PATH" in report


def test_checkhealth_explains_missing_commands(tmp_path):
    report = checkhealth(tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert any(line.startswith("  - ERROR: prompt-foo is not on PATH: install prompt-foo") for line in report)
    assert any(line.startswith("  - ERROR: foo-apply is not on PATH") for line in report)


def test_help_tags_lead_to_the_doc(tmp_path):
    plugin = tmp_path / "plugin-copy"
    import shutil

    shutil.copytree(ROOT / "editors" / "nvim", plugin)
    body = f"""
vim.opt.rtp:prepend({lua_str(str(plugin))})
vim.cmd('helptags ' .. {lua_str(str(plugin / 'doc'))})
for _, tag in ipairs({{ 'prompt-foo', ':FooCompile', ':FooApply', ':FooUndo', 'prompt-foo-setup', 'prompt-foo-health' }}) do
  vim.cmd('help ' .. tag)
  findings[tag] = {{ vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':t'), vim.fn.getline('.') }}
  vim.cmd('close')
end
"""
    findings = run_nvim(body, cwd=tmp_path, tmp_path=tmp_path)
    for tag in ["prompt-foo", ":FooCompile", ":FooApply", ":FooUndo", "prompt-foo-setup", "prompt-foo-health"]:
        name, line = findings[tag]
        assert name == "prompt-foo.txt" and f"*{tag}*" in line, (tag, findings[tag])
