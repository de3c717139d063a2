-- :checkhealth prompt_foo: are the commands there, which version, and can the book reach a clipboard?
local M = {}

-- Neovim 0.10 renamed the reporters (vim.health.start/ok/...); 0.7 has require('health').report_*.
local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

local function check_command(pf, kind)
  local cmd = pf.command(kind)
  if vim.fn.executable(cmd[1]) == 0 then
    error(pf.not_executable_hint(cmd))
    return
  end
  local probe = vim.deepcopy(cmd)
  table.insert(probe, '--version')
  local out = vim.fn.systemlist(probe)
  local line = out[#out] or ''
  if vim.v.shell_error == 0 and line:match(', version ') then
    ok(table.concat(cmd, ' ') .. ': ' .. line)
  else
    error(table.concat(probe, ' ') .. ' failed (exit ' .. vim.v.shell_error .. '): ' .. table.concat(out, ' '):sub(1, 300),
      { 'With checkout = true, point python at a virtualenv that has the dependencies,',
        'or install prompt-foo (README: Install) and drop checkout.' })
  end
end

function M.check()
  local pf = require('prompt_foo')
  start('prompt-foo: commands')
  info(pf.config.checkout and ('running the checkout at ' .. pf.repo_root .. ' with ' .. pf.config.python)
    or 'running the installed commands (setup({ checkout = true }) runs the checkout instead)')
  check_command(pf, 'compile')
  check_command(pf, 'apply')
  if vim.fn.executable('git') == 1 then ok('git is on PATH') else error('git is not on PATH; prompt-foo needs it') end

  start('prompt-foo: clipboard')
  local found = {}
  for _, tool in ipairs({ 'wl-copy', 'xclip', 'xsel', 'pbcopy', 'clip.exe' }) do
    if vim.fn.executable(tool) == 1 then table.insert(found, tool) end
  end
  if #found > 0 then
    ok('clipboard tools: ' .. table.concat(found, ', '))
  else
    warn('no clipboard tool found; books go to the terminal (OSC 52) or use -o FILE',
      { 'Install wl-clipboard, xclip or xsel, or set PROMPT_FOO_CLIPBOARD=osc52.' })
  end
end

return M
