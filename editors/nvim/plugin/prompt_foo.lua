-- prompt-foo commands. Nothing is mapped here; keymaps are opt-in through
-- require('prompt_foo').setup({ keymaps = true }) (or a table of your own keys).
if vim.g.loaded_prompt_foo then return end
vim.g.loaded_prompt_foo = true

local function pf() return require('prompt_foo') end
local cmd = vim.api.nvim_create_user_command

cmd('FooCompile', function(o) pf().compile({ range = o.range, line1 = o.line1, line2 = o.line2,
  args = o.fargs }) end,
  { range = true, nargs = '*', desc = 'prompt-foo: compile a context book; the buffer or selection is the intent' })
cmd('FooApply', function(o) pf().apply({ bang = o.bang }) end,
  { bang = true, desc = 'prompt-foo: apply the reply on the clipboard (! : the current buffer)' })
cmd('FooDryRun', function(o) pf().dry_run({ bang = o.bang }) end,
  { bang = true, desc = 'prompt-foo: check a reply without writing (! : the current buffer)' })
cmd('FooUndo', function() pf().undo() end, { desc = 'prompt-foo: undo the last apply' })
