-- wrk script: one centre x 31 days per request, varied centres and ranges.
-- Env: BENCH_PATH (/api/v1/availability), BENCH_CENTRES (200), BENCH_TODAY (epoch
-- seconds of today, UTC midnight), BENCH_SPREAD (start offsets, default -60..+30 days).
local path = os.getenv("BENCH_PATH") or "/api/v1/availability"
local centres = tonumber(os.getenv("BENCH_CENTRES") or "200")
local today = tonumber(os.getenv("BENCH_TODAY"))
local back = tonumber(os.getenv("BENCH_BACK") or "60")
local ahead = tonumber(os.getenv("BENCH_AHEAD") or "30")
local days = tonumber(os.getenv("BENCH_DAYS") or "31")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  local centre = math.random(1, centres)
  local start = today + math.random(-back, ahead) * 86400
  local stop = start + (days - 1) * 86400
  local url = string.format("%s?site=scale-centre-%03d&from=%s&to=%s", path, centre,
    os.date("!%Y-%m-%d", start), os.date("!%Y-%m-%d", stop))
  return wrk.format("GET", url)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH_ERRORS status=%d connect=%d read=%d timeout=%d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end
