#!/usr/bin/env python3
"""Draws the Asset Library icon, asset_library/icon.png (256x256 RGBA): a
white waste bin on Godot's blue, in plain Python (zlib only), so the same
script always writes the same bytes.

    make_icon.py            writes icon.png beside this script
    make_icon.py --check    fails unless icon.png is what it would write
"""

import struct
import sys
import zlib
from pathlib import Path

SIZE = 256
SAMPLES = 4  # per axis: 16 samples a pixel smooth the edges
BLUE = (0x47, 0x8C, 0xBF)
WHITE = (0xFF, 0xFF, 0xFF)


def rounded_rect(x0, y0, x1, y1, radius):
    def inside(x, y):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return False
        cx = min(max(x, x0 + radius), x1 - radius)
        cy = min(max(y, y0 + radius), y1 - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2

    return inside


def trapezoid(top, bottom, half_top, half_bottom, centre):
    def inside(x, y):
        if not (top <= y <= bottom):
            return False
        half = half_top + (half_bottom - half_top) * (y - top) / (bottom - top)
        return abs(x - centre) <= half

    return inside


# Layers, last on top: (shape, colour).
LAYERS = [
    (rounded_rect(8, 8, 248, 248, 40), BLUE),
    (rounded_rect(58, 62, 198, 82, 8), WHITE),  # lid
    (rounded_rect(106, 44, 150, 66, 8), WHITE),  # handle
    (trapezoid(92, 212, 62, 50, 128), WHITE),  # body
    (rounded_rect(90, 108, 102, 196, 6), BLUE),  # slots
    (rounded_rect(122, 108, 134, 196, 6), BLUE),
    (rounded_rect(154, 108, 166, 196, 6), BLUE),
]


def pixel(px, py):
    totals = [0, 0, 0, 0]
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = px + (sx + 0.5) / SAMPLES
            y = py + (sy + 0.5) / SAMPLES
            colour = None
            for inside, layer_colour in LAYERS:
                if inside(x, y):
                    colour = layer_colour
            if colour is not None:
                totals[0] += colour[0]
                totals[1] += colour[1]
                totals[2] += colour[2]
                totals[3] += 255
    n = SAMPLES * SAMPLES
    alpha = totals[3] // n
    if alpha == 0:
        return (0, 0, 0, 0)
    covered = totals[3] // 255
    return (totals[0] // covered, totals[1] // covered, totals[2] // covered, alpha)


def png_bytes():
    rows = bytearray()
    for y in range(SIZE):
        rows.append(0)  # filter: none
        for x in range(SIZE):
            rows.extend(pixel(x, y))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
    )


def main():
    icon = Path(__file__).with_name("icon.png")
    data = png_bytes()
    if sys.argv[1:] == ["--check"]:
        if not icon.is_file() or icon.read_bytes() != data:
            print(f"make_icon: {icon} is not what make_icon.py draws (run it)", file=sys.stderr)
            return 1
        return 0
    icon.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
