import { PRELUDE } from './prelude.js';

/**
 * Writes a whole job document. KEYS[1] the job's head key; ARGV: root, mode ('create' |
 * 'put'), fence ('' none), the summary (id, flow ('' keep), flowId, status, createdAt,
 * its list key, updatedAt, its finished-index key), then the field ops. `create` refuses
 * an existing job; `put` replaces the document and keeps the job's place, flow name (unless
 * one is given) and commit keys.
 * Replies: {'ok', finished 0|1} | {'exists'} | {'stale', current}.
 */
export const DOCUMENT_SCRIPT = `#!lua
${PRELUDE}
local base = KEYS[1]
local root, mode, fence = ARGV[1], ARGV[2], ARGV[3]
local meta = base .. ':meta'
local exists = redis.call('EXISTS', meta) == 1
if mode == 'create' and exists then return { 'exists' } end
if fence ~= '' then
  local current = redis.call('GET', base .. ':fence')
  if current and tonumber(fence) < tonumber(current) then return { 'stale', current } end
end
local m = {}
if exists then
  m = read_meta(meta)
  unindex(root, m)
  drop_document(base)
  redis.call('HDEL', meta, 'ord')
else
  m.seq = tostring(redis.call('INCR', root .. ':seq'))
end
local keepFlow = m.flow
local i = apply_summary(m, 4)
if not m.flow then m.flow = keepFlow end
local o = ords(meta)
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local op
  op, i = read_op(i)
  write_op(base, op, o, false)
end
o:save()
save_meta(meta, m)
index(root, m)
return { 'ok', FINISHED[m.status] and '1' or '0' }
`;
