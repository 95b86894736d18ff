-- A mix of what the map and QGIS ask for, on the demo data: feature pages of
-- random bboxes, vector tiles around the region, a need's matches, a
-- collection document, and now and then an export (a foundation's token).
local foundation = os.getenv("TERRIER_FOUNDATION_TOKEN") or ""
local circles = {"mel", "littoral", "bassin-minier", "valenciennois-hainaut", "douaisis-pevele",
                 "avesnois-thierache", "oise", "somme", "flandre"}

local function tile(z)
  -- Hauts-de-France: lon 1.4–4.2, lat 49.0–51.1.
  local lon = 1.4 + math.random() * 2.8
  local lat = math.rad(49.0 + math.random() * 2.1)
  local n = 2 ^ z
  local x = math.floor((lon + 180) / 360 * n)
  local y = math.floor((1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * n)
  return string.format("%d/%d/%d", z, x, y)
end

init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

request = function()
  local r = math.random(100)
  if r <= 40 then
    local lon = 1.4 + math.random() * 2.7
    local lat = 49.0 + math.random() * 2.0
    return wrk.format("GET", string.format(
      "/ogcapi/collections/opportunities/items?bbox=%.4f,%.4f,%.4f,%.4f&limit=100", lon, lat, lon + 0.1, lat + 0.1))
  elseif r <= 75 then
    local zooms = {7, 9, 11, 13}
    local layers = {"opportunities", "opportunities", "territories", "needs"}
    local i = math.random(4)
    local path = "/tiles/" .. layers[i] .. "/" .. tile(zooms[math.random(4)]) .. ".mvt"
    if layers[i] == "territories" then path = path .. "?level=departement" end
    return wrk.format("GET", path)
  elseif r <= 90 then
    return wrk.format("GET", "/api/needs/" .. math.random(40) .. "/matches")
  elseif r <= 99 then
    return wrk.format("GET", "/ogcapi/collections/needs/items?limit=20")
  else
    return wrk.format("GET", "/api/territories/" .. circles[math.random(#circles)] .. "/export?format=geojson",
                      {["Authorization"] = "Bearer " .. foundation})
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("errors connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency_ms p50=%.1f p90=%.1f p99=%.1f max=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("requests_per_s %.1f\n", summary.requests / (summary.duration / 1e6)))
end
