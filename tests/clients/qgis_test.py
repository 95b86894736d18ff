"""QGIS (Debian's PyQGIS 3.22, headless) opens what Terrier gives it.

Run by tests/clients/run, which starts `terrier serve` with the demo data
and sets TERRIER_URL, the role tokens, TERRIER_BIN, TERRIER_WORK and
TERRIER_ARTIFACTS.
"""

import json
import os
import sqlite3
import subprocess
import unittest
import urllib.request
import zipfile

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage

URL = os.environ["TERRIER_URL"]
WORK = os.environ["TERRIER_WORK"]
ARTIFACTS = os.environ["TERRIER_ARTIFACTS"]
TOKENS = {
    "foundation": os.environ["TERRIER_FOUNDATION_TOKEN"],
    "animator": os.environ["TERRIER_ANIMATOR_TOKEN"],
}
CIRCLE = "mel"  # the animator's circle (tests/support/demo_server.sh)
LAYERS = ["territoire", "lieux", "opportunites", "besoins"]
# core/roles.cpp's confidential_field, for opportunities and needs.
CONFIDENTIAL = ("owner_name", "owner_contact", "notes", "contact")

APP = QgsApplication([], False)
APP.initQgis()


def get(path, role=None):
    request = urllib.request.Request(URL + path)
    if role:
        request.add_header("Authorization", "Bearer " + TOKENS[role])
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read(), response.headers


def download(path, role, name):
    body, _ = get(path, role)
    file = os.path.join(WORK, name)
    with open(file, "wb") as out:
        out.write(body)
    return file


def coloured_pixels(image):
    """Pixels that are neither white nor transparent."""
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if c.alpha() > 0 and (c.red() < 235 or c.green() < 235 or c.blue() < 235):
                count += 1
    return count


def kind_colors():
    config = json.loads(get("/api/map-config")[0])
    return config["styles"]["kind_colors"]


class CircleProject(unittest.TestCase):
    """The .qgz of the demo's MEL circle, as a foundation and as its animator."""

    @classmethod
    def setUpClass(cls):
        cls.files = {
            role: download(f"/api/territories/{CIRCLE}/export?format=qgz", role, f"{role}.qgz")
            for role in TOKENS
        }
        cls.circle = json.loads(get(f"/ogcapi/collections/territories/items/{CIRCLE}")[0])

    def open_project(self, role):
        project = QgsProject.instance()
        project.clear()
        self.assertTrue(project.read(self.files[role]), f"QGIS cannot read the {role}'s .qgz")
        return project

    def check_project(self, role):
        project = self.open_project(role)
        self.assertEqual(project.crs().authid(), "EPSG:2154")
        self.assertEqual(project.title(), self.circle["properties"]["name"])
        layers = {layer.source().split("layername=")[1]: layer for layer in project.mapLayers().values()}
        self.assertEqual(sorted(layers), sorted(LAYERS))
        for name, layer in layers.items():
            self.assertTrue(layer.isValid(), f"{role}: layer {name} is not valid")
            self.assertGreater(layer.featureCount(), 0, f"{role}: layer {name} is empty")
            node = project.layerTreeRoot().findLayer(layer.id())
            self.assertIsNotNone(node, f"{role}: {name} is not in the layer tree")
            self.assertTrue(node.isVisible())
        self.assertEqual(layers["opportunites"].name(), "Opportunités")
        self.assertEqual(layers["territoire"].name(), "Territoire")
        renderer = layers["opportunites"].renderer()
        self.assertEqual(renderer.type(), "categorizedSymbol")
        self.assertEqual(renderer.classAttribute(), "kind")
        colors = {c.value(): c.symbol().color().name() for c in renderer.categories()}
        for kind, color in kind_colors().items():
            self.assertEqual(colors[kind], color, f"the kind {kind} is not drawn like the page")
        self.assertTrue(layers["territoire"].labelsEnabled())
        self.assertIn("IGN", layers["opportunites"].attribution())

        layout = project.layoutManager().layoutByName("A4 paysage")
        self.assertIsNotNone(layout, "no layout « A4 paysage »")
        page = layout.pageCollection().page(0)
        self.assertAlmostEqual(page.pageSize().width(), 297)
        self.assertAlmostEqual(page.pageSize().height(), 210)
        items = layout.items()
        maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
        self.assertEqual(len(maps), 1)
        self.assertTrue(any(isinstance(i, QgsLayoutItemLegend) for i in items))
        self.assertTrue(any(isinstance(i, QgsLayoutItemScaleBar) for i in items))
        texts = [i.text() for i in items if isinstance(i, QgsLayoutItemLabel)]
        self.assertIn(self.circle["properties"]["name"], texts)
        self.assertTrue(any("Cerema" in t and "IGN" in t for t in texts), texts)
        # The map shows the circle: every opportunity of the export is inside.
        to_project = QgsCoordinateTransform(
            layers["opportunites"].crs(), project.crs(), project.transformContext()
        )
        extent = to_project.transformBoundingBox(layers["opportunites"].extent())
        self.assertTrue(maps[0].extent().contains(extent))

        pdf = os.path.join(ARTIFACTS, f"mel-{role}.pdf")
        exporter = QgsLayoutExporter(layout)
        result = exporter.exportToPdf(pdf, QgsLayoutExporter.PdfExportSettings())
        self.assertEqual(result, QgsLayoutExporter.Success)
        prefix = os.path.join(ARTIFACTS, f"mel-{role}")
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", pdf, prefix], check=True)
        image = QImage(prefix + ".png")
        self.assertFalse(image.isNull())
        # The map's points and outline, the title, the legend: far from blank.
        self.assertGreater(coloured_pixels(image), 1500, "the layout's page is (nearly) blank")
        return project, layers

    def test_foundation_opens_the_circle_styled_with_its_layout(self):
        _, layers = self.check_project("foundation")
        self.assertIn("owner_name", layers["opportunites"].fields().names())

    def test_animator_gets_no_confidential_value(self):
        _, layers = self.check_project("animator")
        for name in LAYERS:
            fields = self.open_layer_fields(name)
            for confidential in CONFIDENTIAL:
                self.assertNotIn(confidential, fields, f"{name}.{confidential} in the animator's")
        # Every owner's name and contact the foundation reads, searched in
        # every byte of the animator's archive.
        with zipfile.ZipFile(self.files["foundation"]) as z:
            gpkg = os.path.join(WORK, "foundation.gpkg")
            with open(gpkg, "wb") as out:
                out.write(z.read("terrier.gpkg"))
        db = sqlite3.connect(gpkg)
        secrets = {
            value
            for row in db.execute("SELECT owner_name, owner_contact, notes FROM opportunites")
            for value in row
            if value and len(value) > 4
        }
        secrets |= {
            value
            for row in db.execute("SELECT contact, notes FROM besoins")
            for value in row
            if value and len(value) > 4
        }
        # A value also written in a column everyone reads (an owner named in
        # a title: "… (anc. Ville de Tourcoing)") is no secret.
        public = []
        for table in LAYERS:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                if column not in CONFIDENTIAL and column != "geom":
                    public += [str(v[0]) for v in db.execute(f'SELECT "{column}" FROM {table}')]
        public_text = "\n".join(public)
        secrets = {s for s in secrets if s not in public_text}
        db.close()
        self.assertGreater(len(secrets), 10, "the demo's foundation export has no owner to hide")
        with zipfile.ZipFile(self.files["animator"]) as z:
            contents = b"".join(z.read(n) for n in z.namelist())
        leaked = [s for s in secrets if s.encode() in contents]
        self.assertEqual(leaked, [], "confidential values in the animator's project")

    def test_the_command_lines_project_is_the_same_project(self):
        project = QgsProject.instance()
        project.clear()
        self.assertTrue(project.read(os.path.join(WORK, "cli.qgz")))
        self.assertEqual(project.title(), self.circle["properties"]["name"])
        layers = list(project.mapLayers().values())
        self.assertEqual(len(layers), len(LAYERS))
        self.assertTrue(all(layer.isValid() for layer in layers))
        self.assertIsNotNone(project.layoutManager().layoutByName("A4 paysage"))

    def open_layer_fields(self, name):
        project = QgsProject.instance()
        for layer in project.mapLayers().values():
            if layer.source().endswith("layername=" + name):
                return layer.fields().names()
        self.fail(f"no layer {name}")


class GeoPackageStyles(unittest.TestCase):
    """A plain GPKG export carries its styles as the layers' defaults."""

    def test_every_layer_has_its_default_style(self):
        gpkg = download(f"/api/territories/{CIRCLE}/export?format=gpkg", "foundation", "mel.gpkg")
        for name in LAYERS:
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
            self.assertTrue(layer.isValid(), name)
            count, ids, names, descriptions, error = layer.listStylesInDatabase()
            self.assertEqual(error, "")
            self.assertGreaterEqual(count, 1, f"{name}: no style in layer_styles")
            self.assertIn("Terrier", names)
            message, loaded = layer.loadDefaultStyle()
            self.assertTrue(loaded, f"{name}: {message}")
            self.assertTrue(layer.styleManager().currentStyle() is not None)
            expected = "categorizedSymbol" if name == "opportunites" else "singleSymbol"
            self.assertEqual(layer.renderer().type(), expected, name)
        # GDAL's convention too: an SLD beside each QML, marked as default.
        db = sqlite3.connect(gpkg)
        rows = db.execute(
            "SELECT f_table_name, useAsDefault, styleSLD FROM layer_styles ORDER BY f_table_name"
        ).fetchall()
        db.close()
        self.assertEqual(sorted(r[0] for r in rows), sorted(LAYERS))
        for table, default, sld in rows:
            self.assertEqual(default, 1, table)
            self.assertIn("<StyledLayerDescriptor", sld, table)


class VectorTiles(unittest.TestCase):
    """The served style and TileJSON, read by QGIS's vector tile layer."""

    def test_tilejson_describes_the_tiles_fields(self):
        body, headers = get("/tiles/opportunities.json")
        doc = json.loads(body)
        self.assertEqual(doc["tilejson"], "3.0.0")
        self.assertEqual(doc["name"], "Terrier – Opportunités foncières et immobilières")
        self.assertIn("max-age", headers["Cache-Control"])
        self.assertEqual(doc["tiles"], [URL + "/tiles/opportunities/{z}/{x}/{y}.mvt"])
        west, south, east, north = doc["bounds"]
        self.assertTrue(west < 3.06 < east and south < 50.63 < north)  # Lille
        fields = doc["vector_layers"][0]["fields"]
        self.assertEqual(doc["vector_layers"][0]["id"], "opportunities")
        # Every attribute of a real tile (read by GDAL's MVT driver) is listed.
        from osgeo import ogr

        tile = os.path.join(WORK, "13_4166_2781.mvt")
        with open(tile, "wb") as out:
            out.write(get("/tiles/opportunities/13/4166/2781.mvt")[0])
        dataset = ogr.Open(tile)
        self.assertIsNotNone(dataset)
        seen = set()
        for i in range(dataset.GetLayerCount()):
            definition = dataset.GetLayer(i).GetLayerDefn()
            seen |= {definition.GetFieldDefn(f).GetName() for f in range(definition.GetFieldCount())}
        self.assertTrue(seen, "the tile over Lille has no attribute")
        # mvt_id: GDAL's name for the feature's id, not an attribute.
        self.assertEqual(seen - set(fields) - {"mvt_id"}, set())
        for collection in ("places", "needs", "territories"):
            doc = json.loads(get(f"/tiles/{collection}.json")[0])
            self.assertEqual(doc["vector_layers"][0]["id"], collection)
        with self.assertRaises(urllib.error.HTTPError) as refused:
            get("/tiles/owners.json")
        self.assertEqual(refused.exception.code, 404)

    def test_qgis_draws_the_tiles_with_the_served_style(self):
        style, headers = get("/styles/terrier.json")
        doc = json.loads(style)
        self.assertIn("max-age", headers["Cache-Control"])
        for source in doc["sources"].values():
            for url in source["tiles"]:
                self.assertTrue(url.startswith(URL + "/tiles/"), url)
        layer_colors = json.loads(get("/api/map-config")[0])["styles"]["layer_colors"]
        self.assertIn(layer_colors["circle"], json.dumps(doc))
        uri = (
            "type=xyz&zmin=0&zmax=14"
            f"&url={URL}/tiles/opportunities/{{z}}/{{x}}/{{y}}.mvt"
            f"&styleUrl={URL}/styles/terrier.json"
        )
        layer = QgsVectorTileLayer(uri, "Opportunités")
        self.assertTrue(layer.isValid())
        message, loaded = layer.loadDefaultStyle()
        self.assertTrue(loaded, message)
        styles = {s.styleName(): s for s in layer.renderer().styles()}
        self.assertIn("opportunities", {s.layerName() for s in styles.values()})
        # Each kind in the page's colour (core/map_style.hpp through /api/map-config).
        for kind, color in kind_colors().items():
            self.assertEqual(styles[f"opportunities-{kind}"].symbol().color().name(), color, kind)
        settings = QgsMapSettings()
        settings.setLayers([layer])
        settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
        to_mercator = QgsCoordinateTransform(
            QgsCoordinateReferenceSystem("EPSG:4326"),
            settings.destinationCrs(),
            QgsProject.instance().transformContext(),
        )
        settings.setExtent(to_mercator.transformBoundingBox(QgsRectangle(2.85, 50.5, 3.25, 50.8)))
        settings.setOutputSize(QSize(600, 450))
        settings.setBackgroundColor(QColor("white"))
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        image.save(os.path.join(ARTIFACTS, "tiles-opportunities.png"))
        self.assertGreater(coloured_pixels(image), 200, "the vector tiles drew nothing")


if __name__ == "__main__":
    unittest.main()
