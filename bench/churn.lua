-- wrk script: POST /v1/SourceIpMappings for the unmapped IP records of $BENCH_POOL in turn, and DELETE each mapping
-- created (its SID read from the 201 body), alternating: a DELETE whenever a created mapping waits, else a POST.
-- The pool is far larger than the connections, so an IP record is mapped again only long after its mapping was
-- deleted; but a run stops with some creates unanswered, whose mappings the next run finds: their 409 names the
-- mapping, which is then deleted too. Any answer but 201 and 204 shows in wrk's "Non-2xx or 3xx responses".
local pool = {}
local next_record = 0
local created = {}
local first, last = 1, 0
local auth

function init(args)
  for line in io.lines(os.getenv("BENCH_POOL")) do
    pool[#pool + 1] = line
  end
  auth = wrk.headers["Authorization"]
end

function request()
  if first <= last then
    local sid = created[first]
    created[first] = nil
    first = first + 1
    return wrk.format("DELETE", "/v1/SourceIpMappings/" .. sid, { ["Authorization"] = auth })
  end
  next_record = next_record % #pool + 1
  local body = "IpRecordSid=" .. pool[next_record] .. "&SipDomainSid=SD00000000000000000000000000000001"
  return wrk.format("POST", "/v1/SourceIpMappings",
      { ["Authorization"] = auth, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  local sid
  if status == 201 then
    sid = body:match('"sid":"(IB%x+)"')
  elseif status == 409 then
    sid = body:match('source IP mapping (IB%x+)')
  end
  if sid then
    last = last + 1
    created[last] = sid
  end
end
