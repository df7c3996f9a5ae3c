-- wrk script: POST /api/v1/bookings, each member booking each day part at most once.
-- Env: BENCH_TOKENS (a file of API tokens, one per line, one member each),
-- BENCH_FIRST_DAY (epoch seconds of the first day, UTC midnight), BENCH_CENTRES (200).
-- Request n: token t = n mod T, and that token's (n div T)-th day part of the 4
-- weeks from the first day (Mondays to Saturdays, when the centres open),
-- starting from a random one per token so that repeated runs spread over the
-- weeks instead of filling the first days; a random centre, a fresh
-- Idempotency-Key, and "Connection: close", as nginx sends requests upstream.
local centres = tonumber(os.getenv("BENCH_CENTRES") or "200")
local first = tonumber(os.getenv("BENCH_FIRST_DAY"))
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  tokens[#tokens + 1] = line
end

local slots = {}
for d = 0, 27 do
  local t = first + d * 86400
  if os.date("!*t", t).wday ~= 1 then -- wday 1 is Sunday
    slots[#slots + 1] = {os.date("!%Y-%m-%d", t), "morning"}
    slots[#slots + 1] = {os.date("!%Y-%m-%d", t), "afternoon"}
  end
end

local n = 0
local run = 0
local start = {}
statuses = {}

function init(args)
  run = os.time()
  math.randomseed(run + tonumber(tostring({}):sub(8), 16) % 100000)
  for t = 1, #tokens do
    start[t] = math.random(0, #slots - 1)
  end
end

request = function()
  local t = n % #tokens + 1
  local token = tokens[t]
  local slot = slots[(start[t] + math.floor(n / #tokens)) % #slots + 1]
  n = n + 1
  local body = string.format('{"site":"scale-centre-%03d","date":"%s","part":"%s"}',
    math.random(1, centres), slot[1], slot[2])
  return wrk.format("POST", "/api/v1/bookings", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%d-%d", run, n),
    ["Connection"] = "close",
  }, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

done = function(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  for status, count in pairs(counts) do
    io.write(string.format("BENCH_STATUS %d %d\n", status, count))
  end
  io.write(string.format("BENCH_ERRORS status=%d connect=%d read=%d timeout=%d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end
