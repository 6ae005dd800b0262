-- wrk script: POST /v1/IpRecords, each request as the next of the accounts whose Authorization values $BENCH_AUTHS
-- holds, one a line (HttpBenchServer accounts), so that the writes of many accounts run at once. The addresses are
-- distinct within a run, from a point drawn at its start; any answer but 201 shows in wrk's "Non-2xx or 3xx
-- responses".
local auths = {}
local n = 0
local base

function init(args)
  for line in io.lines(os.getenv("BENCH_AUTHS")) do
    auths[#auths + 1] = line
  end
  math.randomseed(os.time())
  base = math.random(0, 2 ^ 24)
end

function request()
  n = n + 1
  local a = (base + n) % 2 ^ 24
  local address = string.format("10.%d.%d.%d", math.floor(a / 65536), math.floor(a / 256) % 256, a % 256)
  return wrk.format("POST", "/v1/IpRecords",
      { ["Authorization"] = auths[n % #auths + 1], ["Content-Type"] = "application/x-www-form-urlencoded" },
      "IpAddress=" .. address)
end
