-- wrk script for scripts/load-test: a mix of good and bad uploads to POST /v1/captions.
-- Good: the scene PNG as a raw body (answered with "image": "upload") and the photo JPEG as
-- the multipart field image (answered with "image": "photo.jpg"). Bad: the PNG cut in half
-- (422), a text file sent as image/png (415), an unknown option (400).
-- Counts answers by status and checks every caption against the one a single request gave
-- (passed as arguments: wrk ... -- PNG JPEG PNG_CAPTION JPEG_CAPTION [good-only]).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function read(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  return data
end

function init(args)
  local png, jpeg = read(args[1]), read(args[2])
  expected = { ["upload"] = args[3], ["photo.jpg"] = args[4] }
  statuses, mismatches, checked = {}, 0, 0
  local boundary = "captionkit-load-test"
  local multipart = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\n"
    .. "Content-Type: image/jpeg\r\n\r\n" .. jpeg .. "\r\n--" .. boundary .. "--\r\n"
  local good = {
    wrk.format("POST", "/v1/captions", { ["Content-Type"] = "image/png" }, png),
    wrk.format("POST", "/v1/captions", { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, multipart),
  }
  local bad = {
    wrk.format("POST", "/v1/captions", { ["Content-Type"] = "image/png" }, string.sub(png, 1, math.floor(#png / 2))),
    wrk.format("POST", "/v1/captions", { ["Content-Type"] = "image/png" }, "this is a text file, not an image\n"),
    wrk.format("POST", "/v1/captions?beam=3", { ["Content-Type"] = "image/png" }, png),
  }
  requests = {}
  if args[5] == "good-only" then
    requests = { good[1] }
  else
    -- Good and bad alternate: half of the requests caption an image.
    requests = { good[1], bad[1], good[2], bad[2], good[1], bad[3] }
  end
  counter = 0
end

function request()
  counter = counter + 1
  return requests[(counter - 1) % #requests + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 then
    local image = string.match(body, '"image": "([^"]*)"')
    local caption = string.match(body, '"caption": "([^"]*)"')
    checked = checked + 1
    if expected[image] ~= caption then
      mismatches = mismatches + 1
    end
  end
end

function done(summary, latency, requests)
  local totals, mismatched, compared = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    mismatched = mismatched + thread:get("mismatches")
    compared = compared + thread:get("checked")
  end
  io.write(string.format("requests %d in %.1f s: %.1f req/s\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  local keys = {}
  for status in pairs(totals) do table.insert(keys, status) end
  table.sort(keys)
  local parts = {}
  for _, status in ipairs(keys) do table.insert(parts, status .. ": " .. totals[status]) end
  io.write("statuses " .. table.concat(parts, ", ") .. "\n")
  local failures = 0
  for status, count in pairs(totals) do
    if status >= 500 and status ~= 503 then failures = failures + count end
  end
  io.write(string.format("5xx other than 503: %d\n", failures))
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("captions checked %d, differing from a single request %d\n", compared, mismatched))
end
