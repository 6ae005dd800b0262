-- wrk script: GET each path of the file named by $BENCH_PATHS in turn, round and round. The Authorization header
-- comes from wrk's -H.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    paths[#paths + 1] = line
  end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
