#!/usr/bin/env python3
"""make_font_seeds.py - writes the seed fonts of the font fuzzer into tests/fuzz/corpus_font/.

Small TrueType files built here from scratch (no font is copied): a handful of glyphs drawn as
polygons and quadratic curves, one compound glyph (a scaled and moved copy of another), a cmap
with a format 4 and a format 12 subtable, hmtx with fewer long metrics than glyphs, and pair
kerning either in a GPOS table (format 1 or 2) or in a kern table. Each is a valid font that
stb_truetype draws; the fuzzer damages them from there.

    python3 tests/fuzz/make_font_seeds.py [OUT_DIR]
"""
import os
import struct
import sys


def u16(v):
    return struct.pack(">H", v & 0xFFFF)


def s16(v):
    return struct.pack(">h", v)


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def simple_glyph(contours):
    """contours: lists of (x, y, on_curve); coordinates as full shorts, no flag repeats."""
    pts = [p for c in contours for p in c]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    out = s16(len(contours)) + s16(min(xs)) + s16(min(ys)) + s16(max(xs)) + s16(max(ys))
    end = -1
    for c in contours:
        end += len(c)
        out += u16(end)
    out += u16(0)  # no instructions
    out += bytes(1 if p[2] else 0 for p in pts)  # flags: on-curve bit only, 2-byte coordinates
    x = y = 0
    dx = dy = b""
    for px, py, _ in pts:
        dx += s16(px - x)
        dy += s16(py - y)
        x, y = px, py
    return out + dx + dy


def compound_glyph(child, dx, dy, scale, box):
    flags = 0x0001 | 0x0002 | 0x0008  # word args, xy values, one scale
    return s16(-1) + b"".join(s16(v) for v in box) + u16(flags) + u16(child) + s16(dx) + s16(dy) + s16(scale)


def box(x0, y0, x1, y1):
    return [(x0, y0, 1), (x1, y0, 1), (x1, y1, 1), (x0, y1, 1)]


GLYPHS = [
    simple_glyph([box(50, 0, 450, 700), box(150, 100, 350, 600)]),  # 0 .notdef
    b"",  # 1 space: no outline
    simple_glyph([box(100, 0, 500, 700), [(200, 100, 1), (300, 350, 0), (400, 100, 1)]]),  # 2 '0'
    simple_glyph([[(250, 0, 1), (350, 0, 1), (350, 700, 1), (200, 600, 0)]]),  # 3 '1'
    simple_glyph([box(80, 0, 180, 700), box(420, 0, 520, 700), box(180, 300, 420, 400)]),  # 4 'H'
    simple_glyph([[(0, 0, 1), (300, 700, 1), (600, 0, 1)], [(200, 150, 0), (300, 400, 0), (400, 150, 0)]]),  # 5 'A'
    simple_glyph([[(50, -200, 1), (250, 500, 0), (450, -200, 1)]]),  # 6 'g'
]
GLYPHS.append(compound_glyph(2, 100, 300, 0x2000, (150, 300, 350, 650)))  # 7 superscript zero: '0' at half size
CMAP = {0x20: 1, 0x30: 2, 0x31: 3, 0x48: 4, 0x41: 5, 0x67: 6, 0x2070: 7}


def cmap_table():
    codes = sorted(CMAP)
    # format 4: one segment per code, then the final 0xFFFF one
    segs = [(c, c, (CMAP[c] - c) & 0xFFFF) for c in codes] + [(0xFFFF, 0xFFFF, 1)]
    n = len(segs)
    rng, sel = 1, 0
    while rng * 2 <= n:
        rng, sel = rng * 2, sel + 1
    body = u16(2 * n) + u16(2 * rng) + u16(sel) + u16(2 * (n - rng))
    body += b"".join(u16(e) for _, e, _ in segs) + u16(0) + b"".join(u16(s) for s, _, _ in segs)
    body += b"".join(u16(d) for _, _, d in segs) + b"".join(u16(0) for _ in segs)
    f4 = u16(4) + u16(6 + len(body)) + u16(0) + body
    groups = b"".join(u32(c) + u32(c) + u32(CMAP[c]) for c in codes)
    f12 = u16(12) + u16(0) + u32(16 + len(groups)) + u32(0) + u32(len(codes)) + groups
    head = u16(0) + u16(2) + u16(3) + u16(1) + u32(20) + u16(3) + u16(10) + u32(20 + len(f4))
    return head + f4 + f12


def gpos_table(fmt):
    first = [5, 4]  # 'A', 'H' (coverage must be in glyph order for the binary search)
    first.sort()
    coverage = u16(1) + u16(len(first)) + b"".join(u16(g) for g in first)
    if fmt == 1:
        sets = [[(5, -80)], [(4, -40), (5, -120)]]  # glyph 4: with 'A'; glyph 5: with 'H' and 'A'
        sub_head_len = 10 + 2 * len(sets)
        blobs, offs = b"", []
        for s in sets:
            offs.append(sub_head_len + len(blobs))
            blobs += u16(len(s)) + b"".join(u16(g) + s16(v) for g, v in s)
        cov_off = sub_head_len + len(blobs)
        sub = u16(1) + u16(cov_off) + u16(4) + u16(0) + u16(len(sets)) + b"".join(u16(o) for o in offs) + blobs + coverage
    else:
        class_def = u16(2) + u16(1) + u16(4) + u16(5) + u16(1)  # glyphs 4-5 in class 1
        records = b"".join(s16(v) for v in (0, 0, 0, -60))  # 2 x 2 classes
        cov_off = 16 + len(records)
        sub = u16(2) + u16(cov_off) + u16(4) + u16(0) + u16(cov_off + len(coverage)) + u16(cov_off + len(coverage))
        sub += u16(2) + u16(2) + records + coverage
        sub = sub[:cov_off] + coverage + class_def
    lookup = u16(2) + u16(0) + u16(1) + u16(8) + sub
    lookup_list = u16(1) + u16(4) + lookup
    return u16(1) + u16(0) + u16(10) + u16(10) + u16(10) + lookup_list  # scripts and features unused


def kern_table():
    pairs = sorted([((4 << 16) | 5, -40), ((5 << 16) | 5, -120), ((5 << 16) | 4, -30)])
    sub = u16(0) + u16(14 + 6 * len(pairs)) + u16(1) + u16(len(pairs)) + u16(0) + u16(0) + u16(0)
    sub += b"".join(u16(p >> 16) + u16(p & 0xFFFF) + s16(v) for p, v in pairs)
    return u16(0) + u16(1) + sub


def font(kerning):
    glyf, loca = b"", [0]
    for g in GLYPHS:
        glyf += g + b"\0" * (len(g) % 2)
        loca.append(len(glyf))
    n = len(GLYPHS)
    long_metrics = 5  # glyphs 5.. share the last advance: the short hmtx form
    hmtx = b"".join(u16(600) + s16(50) for _ in range(long_metrics)) + b"".join(s16(40) for _ in range(n - long_metrics))
    tables = {
        b"cmap": cmap_table(),
        b"glyf": glyf,
        b"head": u32(0x00010000) + u32(0x00010000) + u32(0) + u32(0x5F0F3CF5) + u16(0) + u16(1000) + b"\0" * 16
        + s16(0) + s16(-200) + s16(600) + s16(700) + u16(0) + u16(8) + s16(2) + s16(0) + s16(0),
        b"hhea": u32(0x00010000) + s16(800) + s16(-200) + s16(0) + u16(600) + b"\0" * 22 + u16(long_metrics),
        b"hmtx": hmtx,
        b"loca": b"".join(u16(o // 2) for o in loca),
        b"maxp": u32(0x00005000) + u16(n),
    }
    if kerning == "kern":
        tables[b"kern"] = kern_table()
    elif kerning:
        tables[b"GPOS"] = gpos_table(kerning)
    tags = sorted(tables)
    out = u32(0x00010000) + u16(len(tags)) + u16(0) + u16(0) + u16(0)
    offset = 12 + 16 * len(tags)
    body = b""
    for tag in tags:
        data = tables[tag]
        out += tag + u32(0) + u32(offset + len(body)) + u32(len(data))
        body += data + b"\0" * (-len(data) % 4)
    return out + body


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus_font")
    os.makedirs(out, exist_ok=True)
    for name, kerning in (("plain", None), ("gpos_pairs", 1), ("gpos_classes", 2), ("kern", "kern")):
        with open(os.path.join(out, name + ".ttf"), "wb") as f:
            f.write(font(kerning))


if __name__ == "__main__":
    main()
