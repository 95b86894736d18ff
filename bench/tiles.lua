-- wrk script for the vector tiles benchmark: random tiles at one zoom level
-- (environment variable ZOOM: 8, 11 or 14) whose corner lies inside
-- Hauts-de-France (lon 1.4–4.2, lat 49.0–51.1). Fixed seeds per thread.
local counter = 0
local zoom = tonumber(os.getenv("ZOOM") or "11")

function setup(thread)
  counter = counter + 1
  thread:set("seed", 777 + counter)
end

function init(args)
  math.randomseed(seed)
end

local function tile_x(lon, z) return math.floor((lon + 180) / 360 * 2 ^ z) end
local function tile_y(lat, z)
  local r = math.rad(lat)
  return math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * 2 ^ z)
end

local xmin, xmax = tile_x(1.4, zoom), tile_x(4.2, zoom)
local ymin, ymax = tile_y(51.1, zoom), tile_y(49.0, zoom)

function request()
  local x, y = math.random(xmin, xmax), math.random(ymin, ymax)
  return wrk.format("GET", string.format("/tiles/opportunities/%d/%d/%d.mvt", zoom, x, y))
end
