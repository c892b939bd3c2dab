-- wrk script for bench/server.sh. With $NAMES (a file, one name a line): POST /v1/screen with
-- the next name each request, each wrk thread starting at its own offset. Without: GET of the
-- url given to wrk (the baseline). Either way a machine-readable summary line at the end.
local names = {}
local counter = 0
local path = os.getenv("NAMES")

local function json_string(s)
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('[%c]', ' ')
  return '"' .. s .. '"'
end

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

function init(args)
  if path and #path > 0 then
    for line in io.lines(path) do
      if #line > 0 then names[#names + 1] = line end
    end
  end
  i = offset or 0
end

function request()
  if #names == 0 then return wrk.format("GET") end
  i = i + 1
  local body = '{"name":' .. json_string(names[(i % #names) + 1]) .. '}'
  return wrk.format("POST", "/v1/screen", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f non2xx=%d errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
