-- Releases once-only keys this call claimed: each is deleted only if it still holds the call's
-- claim token (ARGV[1]), never another call's claim.
local released = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    released = released + 1
  end
end
return released
