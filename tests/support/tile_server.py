#!/usr/bin/env python3
"""A stand-in for the base map's tile service, on the loopback: every GET
answers the same 256x256 PNG of one colour (a blue no map draws), so that a
test sees where tiles were painted. Prints "ready PORT" when listening and
appends each path it served to the file named by its first argument."""

import http.server
import struct
import sys
import zlib

COLOUR = (30, 120, 220)


def png(width, height, rgb):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


TILE = png(256, 256, COLOUR)
LOG = sys.argv[1]


class Tiles(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(self.path + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
print(f"ready {server.server_address[1]}", flush=True)
server.serve_forever()
