-- wrk script for the Features API benchmark: each request asks for a random
-- 0.1° × 0.1° bbox inside Hauts-de-France (lon 1.4–4.1, lat 49.0–51.0 for the
-- lower-left corner), 500 features at most, as the public would. The same
-- distribution as bench/items.sql, so that the two can be compared.
-- Each wrk thread gets its own fixed seed: runs are repeatable.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", 4242 + counter)
end

function init(args)
  math.randomseed(seed)
end

function request()
  local minx = math.random(14000, 41000) / 10000
  local miny = math.random(490000, 510000) / 10000
  local path = string.format(
    "/ogcapi/collections/opportunities/items?bbox=%.4f,%.4f,%.4f,%.4f&limit=500",
    minx, miny, minx + 0.1, miny + 0.1)
  return wrk.format("GET", path)
end
