#!/usr/bin/env python3
"""A stand-in for IGN's Géoplateforme geocoder (data.geopf.fr/geocodage), on
the loopback, answering from a small fixed table of addresses:
GET /search?q=…&autocomplete=1&limit=N (a GeoJSON FeatureCollection, the
addresses whose label holds every word typed; 503 for a text holding
"panne") and POST /search/csv
(multipart: data=the CSV file, columns=the address columns, citycode=the
INSEE column; the CSV back with latitude, longitude and result_* columns).
Prints "ready PORT" when listening and appends one line per request to the
file named by its first argument: the method, the path, and "credentials"
when the request carried an Authorization or Cookie header."""

import csv
import email.parser
import email.policy
import http.server
import io
import json
import sys
import unicodedata
import urllib.parse

LOG = sys.argv[1]

# label, housenumber + street, city, citycode, postcode, lon, lat, score
ADDRESSES = [
    ("12 Rue Nationale 59000 Lille", "12 Rue Nationale", "Lille", "59350", "59000", 3.05862, 50.63558, 0.97),
    ("12 Rue Nationale 59800 Lille", "12 Rue Nationale", "Lille", "59350", "59800", 3.05901, 50.63601, 0.91),
    ("3 Rue Pierre Motte 59100 Roubaix", "3 Rue Pierre Motte", "Roubaix", "59512", "59100", 3.17839, 50.69051, 0.96),
    ("45 Boulevard de la Liberté 59000 Lille", "45 Boulevard de la Liberté", "Lille", "59350", "59000", 3.05622, 50.63141, 0.95),
    ("8 Rue de l'Abbaye 62300 Lens", "8 Rue de l'Abbaye", "Lens", "62498", "62300", 2.82731, 50.43119, 0.93),
    # A street the base knows only roughly: a low score.
    ("Chemin des Prés 59100 Roubaix", "Chemin des Prés", "Roubaix", "59512", "59100", 3.16502, 50.68497, 0.31),
]


def fold(text):
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().replace("'", " ").replace("-", " ").split())


def found(query, citycode=""):
    words = fold(query).split()
    out = []
    for a in ADDRESSES:
        label = fold(a[0])
        if words and all(w in label.split() or w in label for w in words) and (not citycode or a[3] == citycode):
            out.append(a)
    return sorted(out, key=lambda a: -a[7])


def feature(a):
    label, name, city, citycode, postcode, lon, lat, score = a
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": label,
            "score": score,
            "name": name,
            "postcode": postcode,
            "citycode": citycode,
            "city": city,
            "type": "housenumber",
            "x": 0,
            "y": 0,
        },
    }


class Geocoder(http.server.BaseHTTPRequestHandler):
    def log_request_line(self):
        credentials = "authorization" in (k.lower() for k in self.headers) or "cookie" in (
            k.lower() for k in self.headers
        )
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{self.command} {self.path}{' credentials' if credentials else ''}\n")

    def answer(self, status, body, content_type):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.log_request_line()
        url = urllib.parse.urlsplit(self.path)
        if url.path.rstrip("/").endswith("/search") or url.path == "/search":
            params = urllib.parse.parse_qs(url.query)
            q = params.get("q", [""])[0]
            if len(q.strip()) < 3:
                self.answer(400, json.dumps({"code": 400, "message": "q must contain at least 3 chars"}), "application/json")
                return
            # A word the tests type to see the page without its geocoder.
            if "panne" in fold(q):
                self.answer(503, json.dumps({"code": 503, "message": "service unavailable"}), "application/json")
                return
            limit = int(params.get("limit", ["5"])[0])
            features = [feature(a) for a in found(q)[:limit]]
            self.answer(200, json.dumps({"type": "FeatureCollection", "features": features}), "application/json")
            return
        self.answer(404, "{}", "application/json")

    def do_POST(self):
        self.log_request_line()
        if not urllib.parse.urlsplit(self.path).path.endswith("/search/csv"):
            self.answer(404, "{}", "application/json")
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        fields = {}
        columns = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            value = part.get_payload(decode=True).decode("utf-8")
            if name == "columns":
                columns.append(value)
            else:
                fields[name] = value
        if "data" not in fields or not columns:
            self.answer(400, json.dumps({"code": 400, "message": "data and columns are required"}), "application/json")
            return
        text = fields["data"].lstrip("\ufeff")
        delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        out = io.StringIO()
        header = list(rows[0].keys()) if rows else []
        extra = ["latitude", "longitude", "result_label", "result_score", "result_type", "result_citycode", "result_status"]
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header + extra)
        for row in rows:
            query = " ".join(row.get(c, "") for c in columns)
            matches = found(query, row.get(fields.get("citycode", ""), "") if "citycode" in fields else "")
            if matches:
                a = matches[0]
                writer.writerow([row[h] for h in header] + [a[6], a[5], a[0], a[7], "housenumber", a[3], "ok"])
            else:
                writer.writerow([row[h] for h in header] + ["", "", "", "", "", "", "not-found"])
        self.answer(200, out.getvalue(), "text/csv; charset=utf-8")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Geocoder)
print(f"ready {server.server_address[1]}", flush=True)
server.serve_forever()
