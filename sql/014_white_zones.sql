-- White zones (GET /api/territories/{slug}/white-zones): the nearest place
-- of the network to each commune's centre, by geodesic distance. A KNN
-- search (<->) on geography needs its own index: the geometry index orders
-- by degrees, and a degree of longitude is 0.64 of a degree of latitude here.
CREATE INDEX places_geog_idx ON places USING gist ((geom::geography)) WHERE geom IS NOT NULL;
