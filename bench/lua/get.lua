-- A plain GET of the URL wrk was given, with the shared summary.
package.path = os.getenv("LUA_DIR") .. "/?.lua;" .. package.path
require("summary")
