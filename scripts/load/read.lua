-- wrk script: read-only EC2 Query API load (DescribeInstances with MaxResults,
-- DescribeRegions, DescribeImages), for scripts/load-test. Counts non-200 answers.
--   wrk -t2 -c64 -d60s -s scripts/load/read.lua http://127.0.0.1:PORT/

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

function setup(thread) common.setup(thread) end

function request() return common.read() end

function response(status, headers, body) common.count(status, body) end

function done(summary, latency, requests) common.done(summary, latency, requests) end
