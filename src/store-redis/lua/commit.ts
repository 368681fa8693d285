import { PRELUDE } from './prelude.js';

/**
 * One activation commit. KEYS[1] the job's head key; ARGV: root, fence ('' none), commit
 * key ('' for a job-level change), the new status, createdAt (+ its list key) and
 * updatedAt (+ its finished-index key) ('' when unchanged), then the set ops, entries,
 * appends, consumed ids and produced tasks. Everything is checked before the first write,
 * so a refused commit leaves nothing behind.
 * Replies: {'ok', finished 0|1} | {'dup'} | {'nojob'} | {'stale', current} | {'bad', what, field, index}.
 */
export const COMMIT_SCRIPT = `#!lua
${PRELUDE}
local base = KEYS[1]
local root = ARGV[1]
local meta = base .. ':meta'
if redis.call('EXISTS', meta) == 0 then return { 'nojob' } end
local fence = ARGV[2]
if fence ~= '' then
  local current = redis.call('GET', base .. ':fence')
  if current and tonumber(fence) < tonumber(current) then return { 'stale', current } end
end
local key = ARGV[3]
if key ~= '' and redis.call('SISMEMBER', base .. ':done', key) == 1 then return { 'dup' } end
local status, createdAt, ckey, updatedAt, upd = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]

-- read the ops
local i = 9
local sets, kinds = {}, {}
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local op
  op, i = read_op(i)
  sets[#sets + 1] = op
  if op.kind == 'x' then kinds[op.field] = 'absent'
  elseif op.kind == 'v' then kinds[op.field] = 'scalar'
  elseif op.kind == 'm' then kinds[op.field] = 'map'
  else kinds[op.field] = 'list' end
end
local function kind_after_set(f)
  return kinds[f] or kind_of(redis.call('HGET', base, f))
end
local entries = {}
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local f, count = ARGV[i], tonumber(ARGV[i + 1])
  local k = kind_after_set(f)
  if k ~= 'map' and k ~= 'absent' then return { 'bad', 'entries', f, '' } end
  entries[#entries + 1] = { field = f, first = i + 2, count = count }
  i = i + 2 + count * 2
end
local appends = {}
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local f, count = ARGV[i], tonumber(ARGV[i + 1])
  local k = kind_after_set(f)
  if k ~= 'list' and k ~= 'absent' then return { 'bad', 'append', f, '' } end
  local items = {}
  for c = 1, count do items[c] = ARGV[i + 1 + c] end
  appends[#appends + 1] = { field = f, items = items }
  i = i + 2 + count
end
local tasks = base .. ':m:pendingTasks'
local consumed, consumedSet = {}, {}
n = tonumber(ARGV[i]); i = i + 1
for c = 1, n do
  consumed[c] = ARGV[i + c - 1]
  consumedSet[ARGV[i + c - 1]] = true
end
i = i + n
local produced = {}
n = tonumber(ARGV[i]); i = i + 1
for c = 1, n do
  local id = ARGV[i]
  if not consumedSet[id] and redis.call('HEXISTS', tasks, id) == 1 then return { 'bad', 'produced', id, tostring(c - 1) } end
  produced[c] = { id = id, json = ARGV[i + 1] }
  i = i + 2
end

-- write
local o = ords(meta)
for _, op in ipairs(sets) do
  local old = redis.call('HGET', base, op.field)
  local was = kind_of(old)
  if was == 'map' or was == 'list' then drop_field(base, op.field) end
  write_op(base, op, o, old)
end
for _, e in ipairs(entries) do
  if kind_of(redis.call('HGET', base, e.field)) == 'absent' then put_keep_ord(base, e.field, 'M', o) end
  local mkey = base .. ':m:' .. e.field
  for c = 0, e.count - 1 do
    local k, v = ARGV[e.first + c * 2], ARGV[e.first + c * 2 + 1]
    if v == '' then redis.call('HDEL', mkey, k) else put_keep_ord(mkey, k, v, o) end
  end
end
for _, a in ipairs(appends) do
  if kind_of(redis.call('HGET', base, a.field)) == 'absent' then put_keep_ord(base, a.field, 'L', o) end
  local lkey = base .. ':l:' .. a.field
  if #a.items > 0 then push_all(lkey, a.items) end
  if a.field == 'executionHistory' then
    local _, limit = split_ord(redis.call('HGET', base, 'historyLimit'))
    limit = tonumber(limit)
    if limit == 0 then redis.call('DEL', lkey) else redis.call('LTRIM', lkey, -limit, -1) end
  end
end
call_chunked('HDEL', tasks, consumed)
for _, t in ipairs(produced) do redis.call('HSET', tasks, t.id, o:take() .. ':' .. t.json) end
o:save()
if key ~= '' then redis.call('SADD', base .. ':done', key) end

-- the summary and the indexes: only what this commit changed
local m = read_meta(meta)
local was = { id = m.id, seq = m.seq, flow = m.flow, status = m.status, ckey = m.ckey, upd = m.upd }
local moved = (status ~= '' and status ~= m.status) or (createdAt ~= '' and createdAt ~= m.createdAt)
local touched = updatedAt ~= '' and updatedAt ~= m.updatedAt
if status ~= '' then m.status = status end
if createdAt ~= '' then m.createdAt = createdAt; m.ckey = ckey end
if updatedAt ~= '' then m.updatedAt = updatedAt; m.upd = upd end
if moved then
  unindex(root, was)
  save_meta(meta, m)
  index(root, m)
elseif touched then
  redis.call('HSET', meta, 'updatedAt', m.updatedAt, 'upd', m.upd)
  if FINISHED[m.status] then
    redis.call('ZREM', root .. ':finished', finished_member(was))
    redis.call('ZADD', root .. ':finished', 0, finished_member(m))
  end
end
return { 'ok', FINISHED[m.status] and '1' or '0' }
`;
