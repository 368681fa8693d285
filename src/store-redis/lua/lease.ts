/**
 * Takes a job's lease. KEYS[1] the lease hash, KEYS[2] the job's fence counter; ARGV:
 * owner, ttl in ms. Time is the Redis server's (TIME), so hosts' clocks never disagree
 * about expiry. Reply: the new fence, or false while another owner's lease is live.
 */
export const ACQUIRE_SCRIPT = `#!lua
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] and tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) > now then return false end
local fence = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', fence, 'expiresAt', string.format('%.0f', now + tonumber(ARGV[2])))
return fence
`;

/** Gives a lease back when it is still the current one. KEYS[1] the lease hash; ARGV[1] its fence. */
export const RELEASE_SCRIPT = `#!lua
if redis.call('HGET', KEYS[1], 'fence') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * Extends a lease that is still the current one. KEYS[1] the lease hash; ARGV: its fence,
 * ttl in ms (from the Redis server's TIME). Reply: 1 when extended, 0 when the lease was
 * taken over, released or expired and replaced (the holder has lost the job).
 */
export const RENEW_SCRIPT = `#!lua
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'expiresAt', string.format('%.0f', now + tonumber(ARGV[2])))
return 1
`;
