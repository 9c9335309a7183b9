#!/usr/bin/env python3
"""Rewrites an RGB or RGBA PNG from rsvg-convert as a 4-bit grayscale PNG (python3 standard library only).

The figures are black text on white, so 16 gray levels keep the anti-aliasing and make
the files several times smaller than 24- or 32-bit color.
"""
import struct
import sys
import zlib


def chunks(data):
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        yield kind, data[offset + 8 : offset + 8 + length]
        offset += 12 + length


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return rows


def chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def shrink(path):
    data = open(path, "rb").read()
    parts = list(chunks(data))
    width, height, depth, color = struct.unpack(">IIBB", parts[0][1][:10])
    assert depth == 8 and color in (2, 6), f"{path}: expected 8-bit RGB or RGBA"
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(b"".join(p for k, p in parts if k == b"IDAT"))
    out = bytearray()
    for line in unfilter(raw, width, height, bpp):
        grays = []
        for x in range(width):
            r, g, b = line[bpp * x : bpp * x + 3]
            a = line[bpp * x + 3] if bpp == 4 else 255
            gray = (r * 299 + g * 587 + b * 114) // 1000
            gray = (gray * a + 255 * (255 - a)) // 255  # over white
            grays.append(gray >> 4)
        if width % 2:
            grays.append(0)
        out.append(0)
        out.extend((grays[i] << 4) | grays[i + 1] for i in range(0, len(grays), 2))
    header = struct.pack(">IIBBBBB", width, height, 4, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    png += chunk(b"IDAT", zlib.compress(bytes(out), 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


for name in sys.argv[1:]:
    shrink(name)
