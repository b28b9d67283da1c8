-- Shared by the conversation benchmark's wrk scripts: prints one line at the end
-- (requests/s, p50, p99, and how many answers were not 2xx/3xx), labelled by the LABEL
-- environment variable. It defines no `response` callback: calling into Lua for every
-- answer cost wrk CPU that the server, on the same two cores, then lacked. Each script that loads this sets `request` (or not, for GETs).
-- For scripts that write: `tokens` from the file TOKENS (one API token a line), `works`
-- (ids 1..WORKS), `nthreads` (wrk's THREADS) and `n`, the requests this thread has made.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  -- Every thread of every run draws its own numbers: with LuaJIT's fixed seed, each
  -- one-minute run of the soak repeated the last one's choices, so the same requests fell
  -- to the same accounts and a few of them passed the comment limit.
  math.randomseed(os.time() * 1000 + tid * 7919 + tonumber(os.getenv("OFFSET") or "0") % 100003)
  n = 0
  tokens = {}
  if os.getenv("TOKENS") then
    for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  end
  works = tonumber(os.getenv("WORKS") or "1")
  nthreads = tonumber(os.getenv("THREADS") or "1")
end

-- With PACE_MS set, each connection waits that long between requests (wrk calls `delay`
-- before each): a steady offered load, or a reader rather than a flood.
local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay()
    return pace
  end
end

-- This thread's next request number across all threads: no two requests share one.
function next_request()
  local g = (tid - 1) + n * nthreads
  n = n + 1
  return g
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("%-44s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   %d requests, %d not 2xx, %d socket errors\n",
    os.getenv("LABEL") or "run", summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status, errors))
end
