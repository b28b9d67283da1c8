-- Kudos through the API: every request a different (account, work) pair, so each is a
-- real new kudos (a repeat would be a cheap 409); OFFSET starts a later run on fresh pairs.
-- See summary.lua for the settings.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")

function request()
  local g = next_request() + tonumber(os.getenv("OFFSET") or "0")
  local token = tokens[(g % #tokens) + 1]
  local work = 1 + (math.floor(g / #tokens) % works)
  return wrk.format("POST", "/api/v1/works/" .. work .. "/kudos", { ["Authorization"] = "Bearer " .. token }, "")
end
