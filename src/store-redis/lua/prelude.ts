// Lua shared by the store's scripts (concatenated after each script's shebang line).
//
// Layout (see docs/distributed.md): a job's head hash `<base>` maps each top-level field of
// its document to `<ord>:<value>`, where value is the field's JSON (scalars) or a marker:
// `M` for a keyed map kept in the hash `<base>:m:<field>` and `L` for a list kept in the
// list `<base>:l:<field>`. Map entries are `<ord>:<json>` too; `ord` (from the job's meta
// counter) keeps insertion order, as a JavaScript object or Map would. Lua never decodes
// JSON: values stay the exact text the client wrote.

/** Helpers every script may call; `root` is the store prefix, `base` a job's head key. */
export const PRELUDE = String.raw`
local FINISHED = { completed = true, failed = true, cancelled = true }

local function split_ord(v)
  local cut = string.find(v, ':', 1, true)
  return string.sub(v, 1, cut - 1), string.sub(v, cut + 1)
end

-- 'absent' | 'map' | 'list' | 'scalar' for a stored head value (false when missing)
local function kind_of(v)
  if not v then return 'absent' end
  local _, rest = split_ord(v)
  if rest == 'M' then return 'map' end
  if rest == 'L' then return 'list' end
  return 'scalar'
end

local Ord = {}
Ord.__index = Ord
local function ords(meta)
  local self = setmetatable({ meta = meta, next = tonumber(redis.call('HGET', meta, 'ord') or '0') }, Ord)
  return self
end
function Ord:take()
  self.next = self.next + 1
  return string.format('%.0f', self.next)
end
function Ord:save()
  redis.call('HSET', self.meta, 'ord', string.format('%.0f', self.next))
end

-- sets hash field f to value, keeping the entry's ord when it already exists
-- (old: its current value when the caller already read it, nil to read it here)
local function put_keep_ord(key, f, value, o, old)
  if old == nil then old = redis.call('HGET', key, f) end
  local ord
  if old then ord = split_ord(old) else ord = o:take() end
  redis.call('HSET', key, f, ord .. ':' .. value)
end

local function drop_field(base, f)
  redis.call('DEL', base .. ':m:' .. f, base .. ':l:' .. f)
end

-- runs cmd key items... in chunks of 1000 (unpack has a small stack limit)
local function call_chunked(cmd, key, items)
  local i = 1
  while i <= #items do
    local j = math.min(i + 999, #items)
    redis.call(cmd, key, unpack(items, i, j))
    i = j + 1
  end
end

local function push_all(key, items)
  call_chunked('RPUSH', key, items)
end

-- reads one field op at ARGV[i]: field, kind ('v' json | 'm' n k1 v1 .. | 'l' n i1 .. | 'x');
-- returns the op and the next index
local function read_op(i)
  local op = { field = ARGV[i], kind = ARGV[i + 1] }
  i = i + 2
  if op.kind == 'v' then
    op.value = ARGV[i]
    i = i + 1
  elseif op.kind == 'm' or op.kind == 'l' then
    local n = tonumber(ARGV[i])
    i = i + 1
    op.items = {}
    local width = op.kind == 'm' and 2 or 1
    for k = 0, n * width - 1 do op.items[k + 1] = ARGV[i + k] end
    i = i + n * width
  end
  return op, i
end

-- writes a whole field (its old map or list already dropped): a scalar, a map or a list;
-- old is the field's current head value (false when absent, nil when not read yet)
local function write_op(base, op, o, old)
  local f = op.field
  if op.kind == 'x' then
    redis.call('HDEL', base, f)
  elseif op.kind == 'v' then
    put_keep_ord(base, f, op.value, o, old)
  elseif op.kind == 'm' then
    put_keep_ord(base, f, 'M', o, old)
    local key = base .. ':m:' .. f
    for k = 1, #op.items, 2 do redis.call('HSET', key, op.items[k], o:take() .. ':' .. op.items[k + 1]) end
  else
    put_keep_ord(base, f, 'L', o, old)
    if #op.items > 0 then push_all(base .. ':l:' .. f, op.items) end
  end
end

local function list_member(m)
  return m.ckey .. '.' .. string.format('%016d', tonumber(m.seq)) .. '.' .. m.id
end

local function finished_member(m)
  return m.upd .. '.' .. string.format('%016d', tonumber(m.seq)) .. '.' .. m.id
end

local function read_meta(meta)
  local flat = redis.call('HGETALL', meta)
  local m = {}
  for k = 1, #flat, 2 do m[flat[k]] = flat[k + 1] end
  return m
end

local function unindex(root, m)
  if not m.seq then return end
  local member = list_member(m)
  redis.call('ZREM', root .. ':idx:all', member)
  redis.call('ZREM', root .. ':idx:status:' .. m.status, member)
  if m.flow then redis.call('ZREM', root .. ':idx:flow:' .. m.flow, member) end
  redis.call('ZREM', root .. ':unfinished', m.id)
  redis.call('ZREM', root .. ':finished', finished_member(m))
end

local function index(root, m)
  local member = list_member(m)
  redis.call('ZADD', root .. ':idx:all', 0, member)
  redis.call('ZADD', root .. ':idx:status:' .. m.status, 0, member)
  if m.flow then redis.call('ZADD', root .. ':idx:flow:' .. m.flow, 0, member) end
  if FINISHED[m.status] then
    redis.call('ZADD', root .. ':finished', 0, finished_member(m))
  else
    redis.call('ZADD', root .. ':unfinished', tonumber(m.seq), m.id)
  end
end

-- deletes the job's document keys (head, maps, lists), not its meta, commits or lease
local function drop_document(base)
  local head = redis.call('HGETALL', base)
  for k = 1, #head, 2 do
    local kind = kind_of(head[k + 1])
    if kind == 'map' or kind == 'list' then drop_field(base, head[k]) end
  end
  redis.call('DEL', base)
end

-- reads the summary fields given at ARGV[i..i+6] into meta m: id flow flowId status createdAt updatedAt (ckey upd)
local function apply_summary(m, i)
  m.id = ARGV[i]
  if ARGV[i + 1] ~= '' then m.flow = ARGV[i + 1] end
  m.flowId = ARGV[i + 2]
  m.status = ARGV[i + 3]
  m.createdAt = ARGV[i + 4]
  m.ckey = ARGV[i + 5]
  m.updatedAt = ARGV[i + 6]
  m.upd = ARGV[i + 7]
  return i + 8
end

local function save_meta(meta, m)
  local flat = {}
  for _, k in ipairs({ 'id', 'seq', 'flow', 'flowId', 'status', 'createdAt', 'ckey', 'updatedAt', 'upd' }) do
    if m[k] then
      flat[#flat + 1] = k
      flat[#flat + 1] = m[k]
    end
  end
  redis.call('HSET', meta, unpack(flat))
end
`;
