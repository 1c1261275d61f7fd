-- A test script: adds ARGV[1] to the counter KEYS[1], copies the new value to KEYS[2] when given
-- (a second key of the same hash tag, as a multi-key script in a cluster must have).
-- Returns {new value, KEYS[1]}.
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if KEYS[2] then
  redis.call('SET', KEYS[2], value)
end
return {value, KEYS[1]}
