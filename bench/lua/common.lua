-- Shared by every load script: reading the run's data files, per-thread
-- random draws, and the JSON report that done() writes for bench/run.
-- Settings come from the environment (wrk passes no other way):
--   BENCH_DATA     folder of the data files made by bench/lib/prepare.py
--   BENCH_OUT      file the JSON report is written to
--   BENCH_PAIRBASE first proposal pair this run may use (default 0)
--   BENCH_THREADS  wrk's -t (a thread starts before the next one is set
--                  up, so it cannot count its siblings itself)
local M = {}

M.prefix = "/api/v1/freelance"
M.data = os.getenv("BENCH_DATA") or "bench/data/run"

-- The lines of a data file, as a table of strings.
function M.lines(name)
    local out = {}
    local f = assert(io.open(M.data .. "/" .. name, "r"))
    for line in f:lines() do
        if line ~= "" then out[#out + 1] = line end
    end
    f:close()
    assert(#out > 0, name .. " is empty")
    return out
end

function M.pick(list)
    return list[math.random(#list)]
end

-- wrk calls setup() once per thread in the main state: number the threads
-- and keep them, so that done() can read their counters.
local threads = {}
function M.setup(thread)
    thread:set("tid", #threads)
    threads[#threads + 1] = thread
end

-- Seeds each thread's generator differently.
function M.seed()
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

-- Proposal pairs: line k of pairs.txt is "token job_id", unique and free
-- when the run was prepared. Thread t of n takes lines base+t, base+t+n,
-- ... so no two requests of a run, or of two runs (bench/run moves the base
-- past what a run used), ever send the same pair.
local pairs_list, pair_i, pair_base
function M.pairs_init()
    pairs_list = M.lines("pairs.txt")
    pair_i = 0
    pair_base = tonumber(os.getenv("BENCH_PAIRBASE") or "0")
    nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
end

function M.next_pair()
    local k = pair_base + tid + pair_i * nthreads
    pair_i = pair_i + 1
    used = pair_i  -- read by done() through thread:get
    if k >= #pairs_list then
        k = k % #pairs_list  -- out of fresh pairs: repeats give 409s
        exhausted = true
    end
    local token, job = pairs_list[k + 1]:match("^(%S+) (%d+)$")
    return token, job
end

function M.proposal_request(token, job)
    local body = string.format(
        '{"job_posting_id":%s,"cover_letter":"I have shipped this kind of '
        .. 'work before and can start this week.","bid_amount_cents":%d,'
        .. '"estimated_duration_days":%d}',
        job, 5000 + math.random(200000), 1 + math.random(60))
    return wrk.format("POST", M.prefix .. "/proposals/create",
                      {["Authorization"] = "Bearer " .. token,
                       ["Content-Type"] = "application/json"}, body)
end

local function num(x)
    return string.format("%.3f", x)
end

-- Writes the run's figures as JSON to BENCH_OUT: times in microseconds,
-- errors as wrk counts them (status = answers >= 400).
function M.done(summary, latency, requests)
    local used_max, exhausted_any = 0, false
    for _, t in ipairs(threads) do
        local u = t:get("used")
        if u and u > used_max then used_max = u end
        if t:get("exhausted") then exhausted_any = true end
    end
    local e = summary.errors
    local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
    out:write(string.format(
        '{"duration_us":%d,"requests":%d,"bytes":%d,'
        .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,'
        .. '"timeout":%d},'
        .. '"latency_us":{"min":%s,"mean":%s,"stdev":%s,"max":%s,'
        .. '"p50":%s,"p90":%s,"p95":%s,"p99":%s,"p999":%s},'
        .. '"pairs_used":%d,"pairs_exhausted":%s}\n',
        summary.duration, summary.requests, summary.bytes,
        e.connect, e.read, e.write, e.status, e.timeout,
        num(latency.min), num(latency.mean), num(latency.stdev),
        num(latency.max), num(latency:percentile(50)),
        num(latency:percentile(90)), num(latency:percentile(95)),
        num(latency:percentile(99)), num(latency:percentile(99.9)),
        used_max * #threads, tostring(exhausted_any)))
    out:close()
end

return M
