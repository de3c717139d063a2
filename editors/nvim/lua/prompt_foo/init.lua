-- prompt-foo from Neovim: compile the buffer (or selection) into a context book, apply a
-- model's reply, undo it. Everything runs as an async job (vim.fn.jobstart, so 0.7 works).

local M = {}

-- <repo>/editors/nvim/lua/prompt_foo/init.lua -> <repo>
local here = debug.getinfo(1, 'S').source:sub(2)
M.repo_root = vim.fn.fnamemodify(here, ':p:h:h:h:h:h')

local defaults = {
  compile_cmd = nil, -- default: the installed `prompt-foo` (PATH); or a list such as { '/opt/pf/bin/prompt-foo' }
  apply_cmd = nil,   -- default: the installed `foo-apply`
  checkout = false,  -- true: run <plugin checkout>/prompt_foo.py and apply.py with `python` instead
  python = 'python3', -- only used with checkout = true
  compile_args = {}, -- added to every compile, e.g. { '--no-tree', '--budget', '120000' }
  apply_args = {},   -- added to every apply, e.g. { '--strict' }
  env = nil,         -- extra environment for the jobs, e.g. { PROMPT_FOO_CLIPBOARD = 'osc52' }
  open_quickfix = 'refused', -- 'always' | 'refused' | 'never'
  keymaps = false,   -- true for the defaults below, or a table naming your own
}

local default_keys = {
  compile = '<leader>pc', apply = '<leader>pa', apply_buffer = '<leader>pb',
  dry_run = '<leader>pd', undo = '<leader>pu',
}

M.config = vim.deepcopy(defaults)
M.last = nil -- the last finished run: { kind, code, meaning, stderr, stdout, result }

local EXIT = {
  [0] = 'done',
  [1] = 'refused or failed; nothing was written',
  [2] = 'usage error',
  [3] = 'over the token budget; nothing emitted',
  [4] = 'seal drift; nothing emitted or stamped',
  [5] = 'secrets found; nothing emitted',
  [6] = 'untrusted manifest: run prompt-foo --trust in a terminal; nothing emitted',
  [127] = 'command not found',
  [130] = 'interrupted',
}

function M.exit_meaning(code)
  return EXIT[code] or ('exit status ' .. tostring(code))
end

local function as_list(cmd)
  if type(cmd) == 'string' then return { cmd } end
  return vim.deepcopy(cmd)
end

-- The installed commands by default (pipx / uv tool / install.sh put them on PATH); the
-- checkout's launchers only when asked for, since they need a Python with the dependencies.
function M.command(kind)
  local c = M.config
  local cmd = kind == 'compile' and c.compile_cmd or c.apply_cmd
  if cmd then return as_list(cmd) end
  if c.checkout then
    local script = kind == 'compile' and 'prompt_foo.py' or 'apply.py'
    return { c.python, M.repo_root .. '/' .. script }
  end
  return { kind == 'compile' and 'prompt-foo' or 'foo-apply' }
end

-- Why a command cannot start, and what to do about it (shared with :checkhealth).
function M.not_executable_hint(cmd)
  if cmd[1] == 'prompt-foo' or cmd[1] == 'foo-apply' then
    return cmd[1] .. ' is not on PATH: install prompt-foo (README: Install, e.g. `pipx install .` in the'
      .. ' checkout), or setup({ checkout = true, python = ... }) to run the checkout\'s launchers'
  end
  return tostring(cmd[1]) .. ' is not executable'
end

-- The repository the buffer belongs to (its git top level), else its folder, else the cwd.
function M.buffer_root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr or 0)
  local dir = (name ~= '' and vim.fn.isdirectory(vim.fn.fnamemodify(name, ':p:h')) == 1)
    and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  local out = vim.fn.systemlist({ 'git', '-C', dir, 'rev-parse', '--show-toplevel' })
  if vim.v.shell_error == 0 and out[1] and out[1] ~= '' then return out[1] end
  return dir
end

local function trim_trailing_empty(lines)
  while #lines > 0 and lines[#lines] == '' do table.remove(lines) end
  return lines
end

-- Show text in a centred floating window; q or <Esc> closes it.
function M.float(lines, opts)
  opts = opts or {}
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  local width = 20
  for _, l in ipairs(lines) do width = math.max(width, vim.fn.strdisplaywidth(l)) end
  width = math.min(width + 2, vim.o.columns - 4)
  local height = math.max(1, math.min(#lines, vim.o.lines - 4))
  local win = vim.api.nvim_open_win(buf, opts.enter ~= false, {
    relative = 'editor', style = 'minimal', border = 'rounded',
    width = width, height = height,
    row = math.floor((vim.o.lines - height) / 2) - 1,
    col = math.floor((vim.o.columns - width) / 2),
  })
  for _, key in ipairs({ 'q', '<Esc>' }) do
    vim.api.nvim_buf_set_keymap(buf, 'n', key, '<cmd>close<cr>', { nowait = true, silent = true })
  end
  M.last_float = { buf = buf, win = win, lines = lines }
  return buf, win
end

-- A Python without prompt-foo's dependencies fails with a traceback; say what to change.
local function add_hint(lines, err)
  for _, l in ipairs(err) do
    if l:match('ModuleNotFoundError') then
      vim.list_extend(lines, { '', 'hint: this Python lacks prompt-foo\'s dependencies; point setup({ python = ... })',
        'at a virtualenv where it is installed, or set compile_cmd/apply_cmd to the installed commands.' })
      return lines
    end
  end
  return lines
end

local function finish(run)
  M.last = run
  vim.api.nvim_exec_autocmds('User', { pattern = 'PromptFooDone', modeline = false })
end

-- Run a command asynchronously; `input` (a string) goes to stdin, then stdin is closed.
local function run_job(kind, cmd, cwd, input, on_exit)
  local out, err = {}, {}
  local env = M.config.env and vim.deepcopy(M.config.env) or {}
  env.NO_COLOR = '1' -- the summary is shown as plain text
  env.COLUMNS = tostring(math.max(60, math.min(vim.o.columns - 6, 100)))
  local ok, job = pcall(vim.fn.jobstart, cmd, {
    cwd = cwd, env = env, stdout_buffered = true, stderr_buffered = true,
    on_stdout = function(_, data) out = data end,
    on_stderr = function(_, data) err = data end,
    on_exit = function(_, code)
      on_exit(code, trim_trailing_empty(out), trim_trailing_empty(err))
    end,
  })
  if not ok or job <= 0 then
    local why
    if vim.fn.executable(cmd[1]) == 0 then
      why = M.not_executable_hint(cmd)
    else
      why = ok and 'invalid arguments' or tostring(job)
    end
    -- Scheduled: an error message raised inside a command would abort the caller's script.
    vim.schedule(function()
      vim.notify('prompt-foo: could not start ' .. table.concat(cmd, ' ') .. ': ' .. why, vim.log.levels.ERROR)
    end)
    finish({ kind = kind, code = 127, meaning = M.exit_meaning(127), stderr = { why }, stdout = {} })
    return nil
  end
  if input then vim.fn.chansend(job, input) end
  vim.fn.chanclose(job, 'stdin')
  return job
end

-- The intent: the whole buffer, or the lines (or characters) of the selection.
local function intent_text(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  if opts and opts.range and opts.range > 0 then
    local lines = vim.api.nvim_buf_get_lines(bufnr, opts.line1 - 1, opts.line2, false)
    local vs, ve = vim.fn.getpos("'<"), vim.fn.getpos("'>")
    if vim.fn.visualmode() == 'v' and vs[2] == opts.line1 and ve[2] == opts.line2 and #lines > 0 then
      local last, stop = lines[#lines], ve[3]
      -- '> marks the first byte of the last character; take all of a multibyte one.
      while stop < #last and last:byte(stop + 1) >= 0x80 and last:byte(stop + 1) < 0xC0 do
        stop = stop + 1
      end
      lines[#lines] = last:sub(1, stop)
      lines[1] = lines[1]:sub(vs[3])
    end
    return table.concat(lines, '\n') .. '\n'
  end
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local text = table.concat(lines, '\n')
  if vim.bo[bufnr].eol then text = text .. '\n' end
  return text
end

function M.compile(opts)
  opts = opts or {}
  local root = M.buffer_root(0)
  local cmd = M.command('compile')
  vim.list_extend(cmd, M.config.compile_args)
  vim.list_extend(cmd, opts.args or {})
  table.insert(cmd, '-') -- the intent comes on stdin
  vim.notify('prompt-foo: compiling in ' .. root, vim.log.levels.INFO)
  return run_job('compile', cmd, root, intent_text(opts), function(code, out, err)
    local head = string.format('prompt-foo: exit %d (%s)', code, M.exit_meaning(code))
    local lines = { head, '' }
    vim.list_extend(lines, #err > 0 and err or { '(no summary printed)' })
    M.float(add_hint(lines, err))
    if #out > 0 then -- the book went to stdout (-o -): keep it in a scratch buffer
      vim.cmd('new')
      vim.api.nvim_buf_set_lines(0, 0, -1, false, out)
      vim.bo.buftype, vim.bo.filetype = 'nofile', 'markdown'
    end
    if code ~= 0 then vim.notify(head, vim.log.levels.ERROR) end
    finish({ kind = 'compile', code = code, meaning = M.exit_meaning(code), stderr = err, stdout = out })
  end)
end

local function present(v)
  return v ~= nil and v ~= vim.NIL and v ~= ''
end

-- Quickfix items: on a refusal each refused (E) or skipped (W) block at its file line (or its
-- line in the reply buffer) with the reason and details; on success each block or file.
local function qf_items(result, reply_buf)
  local items = {}
  local root = result.root or vim.fn.getcwd()
  local function abs(p)
    if not present(p) then return nil end
    return p:sub(1, 1) == '/' and p or (root .. '/' .. p)
  end
  local refused = result.status == 'refused'
  for _, b in ipairs(result.blocks or {}) do
    local status = present(b.status) and tostring(b.status) or '?'
    if not refused or status == 'refused' or status == 'not-attempted' then
      local text = string.format('block %s: %s', tostring(b.n or '?'), status)
      if present(b.recovery) then text = text .. ' (recovery: ' .. tostring(b.recovery) .. ')' end
      if present(b.message) and b.message ~= status then text = text .. ': ' .. tostring(b.message) end
      local kind = status == 'refused' and 'E' or (status == 'not-attempted' and 'W' or 'I')
      local item = { text = text, type = kind }
      local reply_line = present(b.reply_line) and b.reply_line or 1
      if present(b.target) then
        item.filename, item.lnum = abs(b.target), present(b.file_line) and b.file_line or 1
        if status ~= 'applied' then item.text = text .. ' (reply line ' .. reply_line .. ')' end
      elseif reply_buf then
        item.bufnr, item.lnum = reply_buf, reply_line
      else
        item.filename, item.lnum = '[reply]', reply_line
      end
      table.insert(items, item)
      for _, d in ipairs(present(b.details) and b.details or {}) do
        table.insert(items, { text = '    ' .. tostring(d), valid = 0 })
      end
    end
  end
  if #items == 0 then
    for _, f in ipairs(result.files or {}) do
      table.insert(items, { filename = abs(f.path), lnum = 1, text = tostring(f.action or ''), type = 'I' })
    end
  end
  -- Messages not about one block (the canary verdict, file checks, a malformed reply); they
  -- are the reason for a refusal only when no block was refused.
  local general = (refused and #items == 0) and 'E' or 'I'
  for _, m in ipairs(result.messages or {}) do
    if type(m) == 'string' and not m:match('^block %d') and not m:match('^    ') then
      table.insert(items, { text = m, type = general })
    end
  end
  return items
end

-- Re-read every loaded, unmodified buffer whose file changed on disk; report modified ones.
local function reload_changed(result)
  local root, kept = result.root or vim.fn.getcwd(), {}
  for _, f in ipairs(result.files or {}) do
    local path = f.path:sub(1, 1) == '/' and f.path or (root .. '/' .. f.path)
    local bufnr = vim.fn.bufnr(vim.fn.fnamemodify(path, ':p'))
    if bufnr > 0 and vim.api.nvim_buf_is_loaded(bufnr) then
      if vim.bo[bufnr].modified then
        table.insert(kept, f.path)
      else
        -- :edit!, not :checktime: (n)vim on Linux sees a file as changed only when its mtime
        -- moved by more than a second, so an apply and an undo in the same second (or an undo
        -- that puts back the old bytes with their old time) would leave the buffer stale.
        vim.api.nvim_buf_call(bufnr, function() vim.cmd('silent edit!') end)
      end
    end
  end
  if #kept > 0 then
    vim.notify('prompt-foo: unsaved edits kept in ' .. table.concat(kept, ', ')
      .. ' (the files changed on disk; :e! loads them)', vim.log.levels.WARN)
  end
end

local function apply_run(kind, flags, opts)
  opts = opts or {}
  local from_buffer = opts.bang
  local reply_buf = from_buffer and vim.api.nvim_get_current_buf() or nil
  -- An unnamed reply buffer belongs to the repository of the buffer before it.
  local alt = vim.fn.bufnr('#')
  local unnamed = vim.api.nvim_buf_get_name(0) == ''
  local root = M.buffer_root((from_buffer and unnamed and alt > 0) and alt or 0)
  local cmd = M.command('apply')
  vim.list_extend(cmd, M.config.apply_args)
  vim.list_extend(cmd, flags)
  if kind ~= 'undo' then table.insert(cmd, from_buffer and '-' or '--clipboard') end
  table.insert(cmd, '--json')
  local input = from_buffer and (table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') .. '\n')
    or nil
  return run_job(kind, cmd, root, input, function(code, out, err)
    local ok, result = pcall(vim.fn.json_decode, table.concat(out, '\n'))
    if not ok or type(result) ~= 'table' then
      local lines = { string.format('foo-apply: exit %d (%s)', code, M.exit_meaning(code)), '' }
      vim.list_extend(lines, err)
      vim.list_extend(lines, out)
      M.float(add_hint(lines, err))
      vim.notify(lines[1], vim.log.levels.ERROR)
      finish({ kind = kind, code = code, meaning = M.exit_meaning(code), stderr = err, stdout = out })
      return
    end
    if result.status ~= 'refused' and result.status ~= 'dry-run' then reload_changed(result) end
    local items = qf_items(result, reply_buf)
    local title = string.format('foo-apply: %s (exit %d)', tostring(result.status), code)
    vim.fn.setqflist({}, ' ', { title = title, items = items })
    local refused = result.status == 'refused' or code ~= 0
    local mode = M.config.open_quickfix
    if #items > 0 and (mode == 'always' or (mode == 'refused' and refused)) then
      vim.cmd('botright copen')
      vim.cmd('wincmd p') -- stay where you were; :cnext walks the list
    end
    local n = #(result.files or {})
    local msg = refused and (title .. ': see the quickfix list')
      or string.format('%s: %d file%s; :copen lists them', title, n, n == 1 and '' or 's')
    vim.notify(msg, refused and vim.log.levels.ERROR or vim.log.levels.INFO)
    finish({ kind = kind, code = code, meaning = M.exit_meaning(code), stderr = err, stdout = out,
      result = result })
  end)
end

function M.apply(opts) return apply_run('apply', {}, opts) end
function M.dry_run(opts) return apply_run('dry-run', { '--dry-run' }, opts) end
function M.undo(opts) return apply_run('undo', { '--undo' }, opts) end

local function set_keymaps(keys)
  if keys == true then keys = default_keys end
  if type(keys) ~= 'table' then return end
  local map = vim.keymap.set
  if keys.compile then
    map('n', keys.compile, '<cmd>FooCompile<cr>', { desc = 'prompt-foo: compile the buffer' })
    map('x', keys.compile, ':FooCompile<cr>', { desc = 'prompt-foo: compile the selection' })
  end
  if keys.apply then map('n', keys.apply, '<cmd>FooApply<cr>', { desc = 'prompt-foo: apply the clipboard' }) end
  if keys.apply_buffer then
    map('n', keys.apply_buffer, '<cmd>FooApply!<cr>', { desc = 'prompt-foo: apply this buffer' })
  end
  if keys.dry_run then map('n', keys.dry_run, '<cmd>FooDryRun<cr>', { desc = 'prompt-foo: dry run' }) end
  if keys.undo then map('n', keys.undo, '<cmd>FooUndo<cr>', { desc = 'prompt-foo: undo the last apply' }) end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  set_keymaps(M.config.keymaps)
  return M
end

return M
