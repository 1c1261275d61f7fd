-- Settles one call's rate-limit charges and one-time uses atomically (Toolgate's CallQuota).
-- KEYS: the once-only keys, then the bucket keys.
-- ARGV[1]: number of once-only keys; ARGV[2]: this call's claim token (what a once-only key is set
-- to, so a call that gave up waiting can release only its own claim); then one TTL in ms per
-- once-only key; then, per bucket, its period in microseconds and its capacity.
-- Buckets are GCRA (a token bucket of `capacity` refilled evenly over `period`): each key holds its
-- theoretical arrival time (TAT) in microseconds of Redis's clock, the one clock all instances share.
-- All or nothing: a used once-only key or an empty bucket changes nothing.
-- Returns {'used', index} | {'limited', index, capacity, remaining, reset_us, retry_us}
--       | {'granted', capacity, remaining, reset_us, ... per bucket}
local n_once = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

for i = 1, n_once do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    return {'used', i - 1}
  end
end

local n_buckets = #KEYS - n_once
local tats = {}
local granted = {'granted'}
for j = 1, n_buckets do
  local period = tonumber(ARGV[2 + n_once + 2 * j - 1])
  local capacity = tonumber(ARGV[2 + n_once + 2 * j])
  local interval = period / capacity
  local tat = tonumber(redis.call('GET', KEYS[n_once + j])) or now
  if tat < now then
    tat = now
  end
  local new_tat = tat + interval
  local allowed_at = new_tat - period
  if allowed_at > now then
    return {'limited', j - 1, capacity, 0, math.ceil(tat - now), math.ceil(allowed_at - now)}
  end
  tats[j] = new_tat
  local n = #granted
  granted[n + 1] = capacity
  granted[n + 2] = math.floor((period - (new_tat - now)) / interval + 1e-9)
  granted[n + 3] = math.ceil(new_tat - now)
end

for j = 1, n_buckets do
  -- Kept until the bucket is full again: after that an absent key reads the same.
  redis.call('SET', KEYS[n_once + j], string.format('%.0f', tats[j]), 'PX', math.ceil((tats[j] - now) / 1000) + 1)
end
for i = 1, n_once do
  redis.call('SET', KEYS[i], ARGV[2], 'PX', tonumber(ARGV[2 + i]))
end
return granted
