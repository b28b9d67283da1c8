-- Mixed traffic, as visitors make it (issue 18's soak; issue 19's mix): 60% work and
-- chapter pages, 15% listings and tag pages with varied sorts, 5% searches, 5% API reads,
-- 5% feeds and downloads, 10% writes through the API (kudos, bookmarks, comments, each a
-- new (account, work) pair so none is a repeat). OFFSET starts a later run on fresh
-- pairs; RUN tells one run's comment texts from another's. See summary.lua.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")

local sorts = { "kudos", "hits", "words", "title", "updated", "posted", "bookmarks", "comments" }
local words = { "owl", "letter", "greenhouse", "dragon", "tea", "rain", "winter", "map" }
local tags = { "Angst", "Fluff", "Hurt%2FComfort", "Alternate%20Universe", "Friendship" }

local function json_post(path, token, body)
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function request()
  local g = next_request() + tonumber(os.getenv("OFFSET") or "0")
  local work = math.random(1, works)
  local roll = math.random(1, 100)
  if roll <= 40 then
    return wrk.format("GET", "/works/" .. work)
  elseif roll <= 60 then
    return wrk.format("GET", "/works/" .. work .. "/navigate")
  elseif roll <= 70 then
    return wrk.format("GET", "/works?sort=" .. sorts[math.random(#sorts)] .. "&page=" .. math.random(1, 5))
  elseif roll <= 75 then
    return wrk.format("GET", "/tags/" .. tags[math.random(#tags)] .. "/works")
  elseif roll <= 80 then
    return wrk.format("GET", "/works/search?q=" .. words[math.random(#words)])
  elseif roll <= 85 then
    if roll % 2 == 0 then
      return wrk.format("GET", "/api/v1/works/" .. work)
    end
    return wrk.format("GET", "/api/v1/works?sort=" .. sorts[math.random(#sorts)])
  elseif roll <= 90 then
    if roll % 2 == 0 then
      return wrk.format("GET", "/works/" .. work .. "/feed.atom")
    end
    return wrk.format("GET", "/opds/recent")
  end
  -- Writes: each a new (account, work) pair (OFFSET is a multiple of the requests a run
  -- makes, far below #tokens * works, so runs do not meet).
  local token = tokens[(g % #tokens) + 1]
  local target = 1 + (math.floor(g / #tokens) % works)
  if roll <= 94 then
    return json_post("/api/v1/works/" .. target .. "/kudos", token, "")
  elseif roll <= 97 then
    return json_post("/api/v1/me/bookmarks", token, '{"work_id": ' .. target .. '}')
  end
  return json_post("/api/v1/works/" .. target .. "/comments", token,
    '{"content": "Soak ' .. (os.getenv("RUN") or "") .. g .. ': the letter chapter stayed with me.", "format": "plain"}')
end
