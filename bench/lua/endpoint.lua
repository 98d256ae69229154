-- One endpoint or the mix, chosen by BENCH_ENDPOINT:
--   profile    GET /profile/{id}, ids drawn from the seeded profiles
--   search     GET /jobs/search, one of the prepared filter mixes
--   dashboard  GET /dashboard/freelancer as a random signed-in freelancer
--   proposal   POST /proposals/create, a fresh (freelancer, open job) pair
--   analytics  GET /analytics/marketplace
--   mix        the marketplace's mix of the five (weights below)
--   static     GET BENCH_PATH (the nginx ceiling)
package.path = (os.getenv("BENCH_LUA") or "bench/lua") .. "/?.lua;"
    .. package.path
local c = require("common")

local endpoint = os.getenv("BENCH_ENDPOINT") or "profile"
local profiles, searches, tokens

-- Mostly reads, some proposals: percent of requests per endpoint.
local MIX = {
    {"profile", 35}, {"search", 35}, {"dashboard", 15},
    {"analytics", 5}, {"proposal", 10},
}

setup = c.setup
done = c.done

function init(args)
    c.seed()
    if endpoint == "profile" or endpoint == "mix" then
        profiles = c.lines("profiles.txt")
    end
    if endpoint == "search" or endpoint == "mix" then
        searches = c.lines("searches.txt")
    end
    if endpoint == "dashboard" or endpoint == "mix" then
        tokens = c.lines("tokens.txt")
    end
    if endpoint == "proposal" or endpoint == "mix" then
        c.pairs_init()
    end
end

local function one(kind)
    if kind == "profile" then
        return wrk.format("GET", c.prefix .. "/profile/" .. c.pick(profiles))
    elseif kind == "search" then
        return wrk.format("GET", c.prefix .. "/jobs/search?" .. c.pick(searches))
    elseif kind == "dashboard" then
        return wrk.format("GET", c.prefix .. "/dashboard/freelancer",
                          {["Authorization"] = "Bearer " .. c.pick(tokens)})
    elseif kind == "proposal" then
        return c.proposal_request(c.next_pair())
    elseif kind == "analytics" then
        return wrk.format("GET", c.prefix .. "/analytics/marketplace")
    elseif kind == "static" then
        return wrk.format("GET", os.getenv("BENCH_PATH"))
    end
    error("unknown endpoint " .. kind)
end

function request()
    if endpoint ~= "mix" then
        return one(endpoint)
    end
    local r = math.random(100)
    for _, m in ipairs(MIX) do
        r = r - m[2]
        if r <= 0 then return one(m[1]) end
    end
    return one("profile")
end
