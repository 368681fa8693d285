import { PRELUDE } from './prelude.js';

/**
 * Reads one job document in one atomic step. KEYS[1] the job's head key.
 * Reply: false when unknown, else {head (flat field/value pairs), data} where data holds,
 * for each map or list field, its name and its flat contents (HGETALL / LRANGE).
 */
export const READ_SCRIPT = `#!lua flags=no-writes
${PRELUDE}
local base = KEYS[1]
local head = redis.call('HGETALL', base)
if #head == 0 then return false end
local data = {}
for k = 1, #head, 2 do
  local kind = kind_of(head[k + 1])
  if kind == 'map' then
    data[#data + 1] = head[k]
    data[#data + 1] = redis.call('HGETALL', base .. ':m:' .. head[k])
  elseif kind == 'list' then
    data[#data + 1] = head[k]
    data[#data + 1] = redis.call('LRANGE', base .. ':l:' .. head[k], 0, -1)
  end
end
return { head, data }
`;
