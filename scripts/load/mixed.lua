-- wrk script: mixed EC2 Query API load for scripts/load-test. One request in ten writes
-- (RunInstances of one instance, CreateTags, CreateKeyPair with a unique name, in turn);
-- the others read (DescribeInstances with MaxResults, DescribeRegions, DescribeImages).
--   LOAD_IMAGE_ID=ami-... LOAD_SEED_ID=i-... LOAD_LOG_DIR=DIR \
--   wrk -t2 -c64 -d60s -s scripts/load/mixed.lua http://127.0.0.1:PORT/
--
-- Every RunInstances carries a unique ClientToken. Each thread logs `sent TOKEN` when it
-- builds one and `ok TOKEN INSTANCE-ID` for each instance a 200 answer names, so that
-- the calls still in flight when wrk stops can be told apart from lost ones.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

function setup(thread) common.setup(thread) end

local image_id, log
local last_instance = os.getenv("LOAD_SEED_ID")
local counter = 0
-- CreateKeyPair's KeyType: unset (RSA, EC2's default), or LOAD_KEY_TYPE (e.g. ed25519).
local key_type = os.getenv("LOAD_KEY_TYPE")
if key_type == "" then key_type = nil end

function init(args)
   image_id = assert(os.getenv("LOAD_IMAGE_ID"), "LOAD_IMAGE_ID is not set")
   assert(last_instance, "LOAD_SEED_ID is not set")
   local log_dir = assert(os.getenv("LOAD_LOG_DIR"), "LOAD_LOG_DIR is not set")
   log = assert(io.open(string.format("%s/thread-%d.log", log_dir, thread_number), "w"))
   log:setvbuf("line")
end

function request()
   counter = counter + 1
   local unique = string.format("load-%d-%d", thread_number, counter)
   local slot = counter % 30
   if slot == 0 then
      log:write("sent ", unique, "\n")
      return common.post("RunInstances", {
         { "ImageId", image_id }, { "MinCount", 1 }, { "MaxCount", 1 },
         { "InstanceType", "t3.micro" }, { "ClientToken", unique },
      })
   elseif slot == 10 then
      return common.post("CreateTags", {
         { "ResourceId.1", last_instance }, { "Tag.1.Key", "load" }, { "Tag.1.Value", unique },
      })
   elseif slot == 20 then
      local params = { { "KeyName", unique } }
      if key_type then params[2] = { "KeyType", key_type } end
      return common.post("CreateKeyPair", params)
   end
   return common.read()
end

function response(status, headers, body)
   if not common.count(status, body) then return end
   if not string.find(body, "<RunInstancesResponse", 1, true) then return end
   local token = string.match(body, "<clientToken>([^<]*)</clientToken>") or "?"
   for id in string.gmatch(body, "<instanceId>([^<]+)</instanceId>") do
      created = created + 1
      last_instance = id
      log:write("ok ", token, " ", id, "\n")
   end
end

function done(summary, latency, requests) common.done(summary, latency, requests) end
