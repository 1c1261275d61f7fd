-- Gives back one token to each bucket (GCRA: moves its theoretical arrival time back one interval).
-- KEYS: bucket keys. ARGV: per bucket, its period in microseconds and its capacity.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for j = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[j]))
  if tat then
    local new_tat = tat - tonumber(ARGV[2 * j - 1]) / tonumber(ARGV[2 * j])
    if new_tat <= now then
      redis.call('DEL', KEYS[j])
    else
      redis.call('SET', KEYS[j], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
    end
  end
end
return #KEYS
