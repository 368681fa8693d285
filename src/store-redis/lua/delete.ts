import { PRELUDE } from './prelude.js';

/**
 * Deletes a finished job with everything the store keeps of it (document, meta, commit
 * keys, lease, fence, index entries). KEYS[1] the job's head key; ARGV[1] root.
 * Replies: {'ok'} | {'none'} | {'live', status}.
 */
export const DELETE_SCRIPT = `#!lua
${PRELUDE}
local base = KEYS[1]
local meta = base .. ':meta'
if redis.call('EXISTS', meta) == 0 then return { 'none' } end
local m = read_meta(meta)
if not FINISHED[m.status] then return { 'live', m.status } end
unindex(ARGV[1], m)
drop_document(base)
redis.call('DEL', meta, base .. ':done', base .. ':lease', base .. ':fence')
return { 'ok' }
`;
