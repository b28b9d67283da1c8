-- A plain GET of the URL wrk was given, with the shared summary (and its PACE_MS).
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")
