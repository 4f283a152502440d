-- requests.lua: wrk script: BENCH_TARGET show|verify|verify-uncounted|verify-limited|generate|ceiling|ceiling-post, credentials from BENCH_DIR, users FIRST..LAST (at random; with BENCH_ONCE=1 each once, in order, then the thread stops).
local target = os.getenv("BENCH_TARGET")
local dir = os.getenv("BENCH_DIR")
local first = tonumber(os.getenv("BENCH_FIRST"))
local last = tonumber(os.getenv("BENCH_LAST"))
local tokens, keys, limited = {}, {}, {}
for line in io.lines(dir .. "/tokens.txt") do tokens[#tokens + 1] = line end
for line in io.lines(dir .. "/keys.txt") do keys[#keys + 1] = line end
for line in io.lines(dir .. "/limited.txt") do limited[#limited + 1] = line end

local once = os.getenv("BENCH_ONCE") == "1"
local next_user = first

request = function()
	local i = math.random(first, last)
	if once then
		i = next_user
		next_user = next_user + 1
	end
	if target == "show" then
		return wrk.format("GET", "/api/api-keys/" .. i, { ["Authorization"] = "Bearer " .. tokens[i] })
	elseif target == "verify" then
		return wrk.format("POST", "/api/api-keys/verify", { ["Content-Type"] = "application/json" }, keys[i])
	elseif target == "verify-uncounted" then
		-- The same verify through the responder that counts no usage.
		return wrk.format("POST", "/uncounted/api/api-keys/verify", { ["Content-Type"] = "application/json" }, keys[i])
	elseif target == "verify-limited" then
		-- The user's second key: a rate limit of 1000000 a second and
		-- 10^12 credits, so every call spends and none is refused.
		return wrk.format("POST", "/api/api-keys/verify", { ["Content-Type"] = "application/json" }, limited[i])
	elseif target == "ceiling-post" then
		-- The hello responder, sent verify's request: the front end's cost
		-- of a POST with its body, the floor of verify's latency.
		return wrk.format("POST", "/ceiling/api-keys/verify", { ["Content-Type"] = "application/json" }, keys[i])
	elseif target == "generate" then
		-- An empty body, so that wrk sends "Content-Length: 0" itself
		-- (lighttpd answers 411 to a POST whose length wrk did not set).
		return wrk.format("POST", "/api/api-keys/generate",
			{ ["Authorization"] = "Bearer " .. tokens[i] }, "")
	end
	return wrk.format("GET", "/ceiling/api-keys/1")
end

if once then
	-- One connection (-c1): the answer to the last user's request ends it.
	response = function()
		if next_user > last then
			wrk.thread:stop()
		end
	end
end
