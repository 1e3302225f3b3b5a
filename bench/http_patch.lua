-- wrk script of bench/http.sh: PATCHes the description of operational actions, each with a correct
-- If-Match. Every PATCH bumps the action's version, so the script keeps, per wrk thread, a pool
-- of actions with their current version: request() takes a free action and PATCHes it with its
-- version; response() reads the action's id from the body and its new version from the ETag and
-- puts it back. An action is never in flight twice, so every PATCH should answer 200; a 412
-- (or anything else) is counted and reported, never hidden.
--
--   wrk -t T -c C -d D [-H 'Authorization: Bearer TOKEN'] -s bench/http_patch.lua URL -- T ID=VERSION ...
--
-- The actions are dealt round-robin to the T threads; each thread needs more actions than it has
-- connections (C/T). The versions come from a GET just before the run.

local threads = {}
local nthreads_seen = 0

function setup(thread)
	thread:set("tid", nthreads_seen)
	nthreads_seen = nthreads_seen + 1
	table.insert(threads, thread)
end

function init(args)
	local nthreads = tonumber(args[1])
	free = {}
	version = {}
	s200, s412, sother, lost, seq = 0, 0, 0, 0, 0
	for i = 2, #args do
		local id, v = string.match(args[i], "^(%d+)=(%d+)$")
		if (i - 2) % nthreads == tid then
			id = tonumber(id)
			version[id] = tonumber(v)
			table.insert(free, id)
		end
	end
	-- wrk.format() takes the headers given to it instead of wrk.headers: copy those of the
	-- command line (-H "Authorization: Bearer ...") and Host
	headers = {}
	for k, v in pairs(wrk.headers) do
		headers[k] = v
	end
	headers["Content-Type"] = "application/json"
end

function request()
	local id = table.remove(free)
	if id == nil then
		error("http_patch.lua: no free action left: give each thread more actions than connections")
	end
	seq = seq + 1
	headers["If-Match"] = '"' .. version[id] .. '"'
	-- The description, not the title: an adopted OAP's plan (the large database's OAPs) is frozen
	-- but for how its actions are run, and the description is one of those fields; like the
	-- title, it is indexed for full-text search.
	local body = string.format('{"description":"Benchmark description %d-%d"}', tid, seq)
	return wrk.format("PATCH", "/api/v1/actions/" .. id, headers, body)
end

function response(status, hdrs, body)
	if status == 200 then
		s200 = s200 + 1
	elseif status == 412 then
		s412 = s412 + 1
	else
		sother = sother + 1
	end
	local id = tonumber(string.match(body or "", '^{"id":(%d+)'))
	local etag = hdrs["ETag"] or hdrs["Etag"] or hdrs["etag"]
	if status == 200 and id and etag and version[id] then
		version[id] = tonumber(string.match(etag, "%d+"))
		table.insert(free, id)
	else
		-- An error body names no action: that action leaves the pool.
		lost = lost + 1
	end
end

function done(summary, latency, requests)
	local t = {s200 = 0, s412 = 0, sother = 0, lost = 0}
	for _, th in ipairs(threads) do
		for k, _ in pairs(t) do
			t[k] = t[k] + (th:get(k) or 0)
		end
	end
	io.write(string.format("patch-status: 200=%d 412=%d other=%d lost=%d\n", t.s200, t.s412, t.sother, t.lost))
end
