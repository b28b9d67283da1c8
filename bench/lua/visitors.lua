-- GETs of the URL wrk was given, each from a new visitor (a browser string of its own), so
-- every request is a hit to count: the worst case for the hit log. With the shared summary.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")

function request()
  local g = next_request()
  return wrk.format("GET", nil, { ["User-Agent"] = "Mozilla/5.0 (bench visitor " .. g .. ")" })
end
