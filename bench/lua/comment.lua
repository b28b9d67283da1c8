-- New comments through the API, each by the next account on the next work, each text
-- different (the same text twice on a chapter is refused; RUN tells one run's texts from
-- another's). See summary.lua for the settings.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")

function request()
  local g = next_request()
  local token = tokens[(g % #tokens) + 1]
  local work = 1 + (g % works)
  local body = '{"content": "Comment ' .. (os.getenv("RUN") or "") .. g
    .. ': the greenhouse chapter stayed with me all week, thank you for writing it.", "format": "plain"}'
  return wrk.format("POST", "/api/v1/works/" .. work .. "/comments",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
