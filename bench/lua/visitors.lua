-- GETs of the URL wrk was given from many visitors (a browser string each): VISITORS of
-- them taking turns (each reads the page again and again, as readers do), or with
-- VISITORS=0 a new visitor every request, so every request is a new hit to write: the
-- worst case for the hit log. With the shared summary.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")

local visitors = tonumber(os.getenv("VISITORS") or "0")

function request()
  local g = next_request()
  if visitors > 0 then g = g % visitors end
  return wrk.format("GET", nil, { ["User-Agent"] = "Mozilla/5.0 (bench visitor " .. g .. ")" })
end
