-- Shared by mixed.lua and read.lua: EC2 Query API requests as POST form bodies, and the
-- counters that scripts/load-test reads from the lines done() prints.
--
-- Environment (set by scripts/load-test):
--   LOAD_ACCESS_KEY   the access key, read as user:project by `cloud_server --auth none`
--   LOAD_IMAGE_ID     an image RunInstances may launch (mixed.lua only)
--   LOAD_SEED_ID      an instance CreateTags may tag before a thread has launched its own
--   LOAD_LOG_DIR      where each thread writes `sent TOKEN` and `ok TOKEN INSTANCE-ID`
--                     lines for its RunInstances calls (mixed.lua only)

local M = {}

local function urlencode(value)
   return (tostring(value):gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local access_key = os.getenv("LOAD_ACCESS_KEY") or "load:load"
local common_params = "Version=2016-11-15&AWSAccessKeyId=" .. urlencode(access_key)
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" }

-- A POST of Action=ACTION and the given name/value pairs (an array of {name, value}).
function M.post(action, params)
   local body = { "Action=" .. action, common_params }
   for _, pair in ipairs(params or {}) do
      body[#body + 1] = pair[1] .. "=" .. urlencode(pair[2])
   end
   return wrk.format("POST", "/", headers, table.concat(body, "&"))
end

-- The read-only requests, in turn.
local reads = {
   function() return M.post("DescribeInstances", { { "MaxResults", 50 } }) end,
   function() return M.post("DescribeRegions") end,
   function() return M.post("DescribeImages") end,
}
local next_read = 0
function M.read()
   next_read = next_read % #reads + 1
   return reads[next_read]()
end

-- Main state: number the threads and keep them for done().
M.threads = {}
function M.setup(thread)
   thread:set("thread_number", #M.threads + 1)
   M.threads[#M.threads + 1] = thread
end

-- Thread states: counters, read back in done().
responses, non200, created = 0, 0, 0
first_failure = ""

function M.count(status, body)
   responses = responses + 1
   if status ~= 200 then
      non200 = non200 + 1
      if first_failure == "" then
         first_failure = status .. " " .. string.sub(body or "", 1, 400):gsub("%s+", " ")
      end
      return false
   end
   return true
end

local function sum(name)
   local total = 0
   for _, thread in ipairs(M.threads) do
      total = total + (tonumber(thread:get(name)) or 0)
   end
   return total
end

-- Lines prefixed `load:` for scripts/load-test to read; wrk's own summary precedes them.
function M.done(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   print(string.format("load: requests=%d", summary.requests))
   print(string.format("load: seconds=%.1f", seconds))
   print(string.format("load: rps=%.1f", summary.requests / seconds))
   print(string.format("load: responses=%d", sum("responses")))
   print(string.format("load: non200=%d", sum("non200")))
   print(string.format("load: socket_errors=%d", e.connect + e.read + e.write + e.timeout))
   print(string.format("load: socket_detail=connect %d, read %d, write %d, timeout %d",
      e.connect, e.read, e.write, e.timeout))
   print(string.format("load: wrk_status_errors=%d", e.status))
   print(string.format("load: created=%d", sum("created")))
   print(string.format("load: latency_p50_ms=%.2f", latency:percentile(50) / 1000))
   print(string.format("load: latency_p99_ms=%.2f", latency:percentile(99) / 1000))
   print(string.format("load: latency_max_ms=%.2f", latency.max / 1000))
   for _, thread in ipairs(M.threads) do
      local failure = thread:get("first_failure")
      if failure and failure ~= "" then
         print("load: first_failure=" .. failure)
      end
   end
end

return M
