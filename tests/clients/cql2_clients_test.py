"""GDAL's OAPIF driver (Debian's python3-gdal 3.6) and PyQGIS 3.22's OAPIF
provider filter Terrier's opportunities: the features each keeps are the ones
Terrier's own CQL2 filter selects. Which part of a filter reaches the server
is read from the URLs each client fetches.

Run by tests/clients/run, which starts `terrier serve` with the demo data and
sets TERRIER_URL.
"""

import json
import os
import time
import unittest
import urllib.parse
import urllib.request

from osgeo import gdal, ogr
from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication

URL = os.environ["TERRIER_URL"]
COLLECTION = "opportunities"

# The same filter three ways: OGR SQL (GDAL's -where), a QGIS expression
# (a layer's subset string) and CQL2 text (Terrier's filter=); then the query
# parameter GDAL 3.6 sends for it, if any.
CASES = [
    ("kind = 'atelier'", "\"kind\" = 'atelier'", "kind = 'atelier'", "kind=atelier"),
    ("built_surface_m2 >= 300", "\"built_surface_m2\" >= 300", "built_surface_m2 >= 300", None),
    (
        "kind = 'bureau' AND built_surface_m2 >= 300",
        "\"kind\" = 'bureau' AND \"built_surface_m2\" >= 300",
        "kind = 'bureau' AND built_surface_m2 >= 300",
        "kind=bureau",
    ),
    (
        "kind = 'bureau' OR kind = 'atelier'",
        "\"kind\" = 'bureau' OR \"kind\" = 'atelier'",
        "kind = 'bureau' OR kind = 'atelier'",
        None,
    ),
    ("NOT (kind = 'terrain')", "NOT (\"kind\" = 'terrain')", "NOT (kind = 'terrain')", None),
    ("rent_eur_month IS NULL", "\"rent_eur_month\" IS NULL", "rent_eur_month IS NULL", None),
    (
        "kind IN ('atelier', 'bureau') AND built_surface_m2 < 1000",
        "\"kind\" IN ('atelier', 'bureau') AND \"built_surface_m2\" < 1000",
        "kind IN ('atelier', 'bureau') AND built_surface_m2 < 1000",
        None,
    ),
    (
        "built_surface_m2 BETWEEN 100 AND 1000",
        "\"built_surface_m2\" >= 100 AND \"built_surface_m2\" <= 1000",
        "built_surface_m2 BETWEEN 100 AND 1000",
        None,
    ),
]

APP = QgsApplication([], False)
APP.initQgis()


def terrier_features(cql2):
    """The features Terrier's own filter selects, every page followed: their
    ids and their (reference, title) pairs, sorted."""
    query = urllib.parse.urlencode({"filter": cql2, "filter-lang": "cql2-text", "limit": 500})
    url = f"{URL}/ogcapi/collections/{COLLECTION}/items?{query}"
    features = []
    while url:
        with urllib.request.urlopen(url, timeout=60) as response:
            page = json.load(response)
        features += page["features"]
        url = next((l["href"] for l in page["links"] if l["rel"] == "next"), None)
    ids = {int(f["id"]) for f in features}
    pairs = sorted((f["properties"].get("external_id"), f["properties"]["title"]) for f in features)
    return ids, pairs


class GdalDebug:
    """GDAL's debug messages while the block runs (CPL_DEBUG): its HTTP
    fetches ("HTTP: Fetch(url)") and the OAPIF driver's notes."""

    def __enter__(self):
        self.messages = []
        gdal.SetConfigOption("CPL_DEBUG", "ON")
        gdal.PushErrorHandler(lambda _cls, _no, msg: self.messages.append(msg))
        return self

    def __exit__(self, *_):
        gdal.PopErrorHandler()
        gdal.SetConfigOption("CPL_DEBUG", None)

    def items_urls(self):
        return [m for m in self.messages if "Fetch(" in m and "/items" in m]


class GdalOapif(unittest.TestCase):
    """ogr2ogr/ogrinfo -where through python3-gdal's OAPIF driver."""

    def test_where_keeps_the_features_terriers_cql2_filter_selects(self):
        dataset = gdal.OpenEx(f"OAPIF:{URL}/ogcapi", gdal.OF_VECTOR, open_options=["PAGE_SIZE=500"])
        self.assertIsNotNone(dataset, "GDAL cannot open Terrier's OGC API")
        layer = dataset.GetLayerByName(COLLECTION)
        self.assertIsNotNone(layer)
        total = layer.GetFeatureCount()
        for where, _, cql2, sent in CASES:
            with self.subTest(where=where):
                expected, _ = terrier_features(cql2)
                self.assertTrue(0 < len(expected) < total, f"{cql2}: {len(expected)} of {total}")
                with GdalDebug() as debug:
                    self.assertEqual(layer.SetAttributeFilter(where), ogr.OGRERR_NONE)
                    got = {f.GetFID() for f in layer}
                self.assertEqual(got, expected)
                urls = debug.items_urls()
                self.assertTrue(urls, "GDAL fetched no items page")
                # GDAL 3.6 sends no CQL2: it knows only the pre-CQL2 draft's
                # "filter-lang=cql-text", used when the OpenAPI document offers
                # that value (Terrier offers cql2-text and cql2-json), with the
                # draft's {"queryables": [...]} (Terrier's is Part 3's JSON
                # Schema). It sends Part 1's "name=value" for an equality on a
                # query parameter the OpenAPI document lists (kind), and
                # evaluates everything else itself, over every page.
                self.assertFalse([u for u in urls if "filter=" in u], urls)
                if sent:
                    self.assertTrue(all(sent in u for u in urls), urls)
                else:
                    self.assertIn("OAPIF: Full filter will be evaluated on client side.", debug.messages)
        layer.SetAttributeFilter(None)


class QgisOapif(unittest.TestCase):
    """A QgsVectorLayer of the OAPIF provider with a subset string."""

    def test_subset_string_keeps_the_features_terriers_cql2_filter_selects(self):
        urls = []
        manager = QgsNetworkAccessManager.instance()
        manager.finished.connect(lambda reply: urls.append(reply.request().url().toString()))
        uri = f"url='{URL}/ogcapi' typename='{COLLECTION}' pageSize='500'"
        for _, expression, cql2, _ in CASES:
            with self.subTest(expression=expression):
                layer = QgsVectorLayer(uri, "opportunites", "oapif")
                self.assertTrue(layer.isValid())
                self.assertTrue(layer.setSubsetString(expression), expression)
                urls.clear()
                got = sorted((f["external_id"], f["title"]) for f in layer.getFeatures())
                _, expected = terrier_features(cql2)
                self.assertTrue(expected)
                self.assertEqual(got, expected)
                # The downloader's replies reach the main thread's manager
                # through its event loop.
                deadline = time.monotonic() + 5
                while not [u for u in urls if "/items" in u] and time.monotonic() < deadline:
                    QCoreApplication.processEvents()
                items = [u for u in urls if "/items" in u]
                self.assertTrue(items, "QGIS fetched no items page")
                # QGIS 3.22 downloads every page and filters itself: Part 1
                # and Part 3 (CQL2) server-side filtering came with 3.32.
                self.assertFalse([u for u in items if "filter=" in u or "kind=" in u], items)


if __name__ == "__main__":
    unittest.main()
