-- wrk script for the vector tiles benchmark: random tiles at one zoom level
-- (environment variable ZOOM: 8, 11 or 14) whose corner lies inside
-- Hauts-de-France (lon 1.4–4.2, lat 49.0–51.1), each with its own filter
-- (surface_min from 0 to 100 m² to the centimetre, as bench/tile.sql
-- draws it), so that no cache answers. Fixed seeds per thread.
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
  local surface_min = math.random(0, 10000) / 100
  return wrk.format("GET", string.format("/tiles/opportunities/%d/%d/%d.mvt?surface_min=%.2f",
    zoom, x, y, surface_min))
end
