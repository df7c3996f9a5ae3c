"""Pictures for the demo sites, drawn with Pillow at seed time (no files to ship).

Simple flat illustrations: a centre's desk room and a building among coconut
palms. They go through the same upload path as an admin's photo.
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 800
GREEN, GOLD, WALL, FLOOR = (11, 93, 75), (242, 193, 78), (238, 232, 220), (196, 160, 120)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def desk_room(accent: tuple[int, int, int] = GREEN) -> bytes:
    """Rows of desks with monitors under a window band."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WALL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, WIDTH, HEIGHT), fill=FLOOR)
    for x in range(60, WIDTH - 100, 220):  # windows
        draw.rectangle((x, 80, x + 160, 300), fill=(170, 215, 235), outline=(120, 120, 120), width=6)
        draw.line((x + 80, 80, x + 80, 300), fill=(120, 120, 120), width=4)
    for row, (y, scale) in enumerate(((430, 0.8), (560, 1.0))):
        for x in range(40 + row * 60, WIDTH - 150, int(260 * scale)):
            w, h = int(200 * scale), int(18 * scale)
            draw.rectangle((x, y, x + w, y + h), fill=(120, 84, 50))
            draw.rectangle((x + 10, y + h, x + 22, y + h + int(90 * scale)), fill=(90, 60, 35))
            draw.rectangle((x + w - 22, y + h, x + w - 10, y + h + int(90 * scale)),
                           fill=(90, 60, 35))
            draw.rectangle((x + 60, y - int(80 * scale), x + 150, y - 12), fill=(30, 30, 30))
            draw.rectangle((x + 66, y - int(74 * scale), x + 144, y - 18), fill=accent)
            draw.rectangle((x + 98, y - 12, x + 112, y), fill=(60, 60, 60))
    return _jpeg(image)


def building(accent: tuple[int, int, int] = GOLD) -> bytes:
    """A three-storey block with a tiled roof among coconut palms."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (135, 200, 235))
    draw = ImageDraw.Draw(image)
    for y in range(0, 420, 6):  # a little gradient towards the horizon
        shade = 200 + y // 8
        draw.rectangle((0, y, WIDTH, y + 6), fill=(135 + y // 10, min(shade, 235), 240))
    draw.rectangle((0, 600, WIDTH, HEIGHT), fill=(86, 150, 70))
    draw.rectangle((300, 250, 900, 620), fill=(245, 240, 225))
    draw.polygon([(270, 260), (600, 140), (930, 260)], fill=(176, 80, 50))
    for floor in range(3):
        for x in range(340, 880, 90):
            top = 290 + floor * 105
            draw.rectangle((x, top, x + 50, top + 60), fill=(90, 130, 150))
    draw.rectangle((560, 520, 640, 620), fill=accent)
    for x in (120, 1060):  # palms: a leaning trunk and a crown of fronds
        draw.line((x, 640, x + 30, 330), fill=(110, 80, 50), width=22)
        for dx, dy in ((-130, 40), (-90, -30), (0, -60), (90, -30), (130, 40), (60, 80), (-60, 80)):
            draw.line((x + 30, 330, x + 30 + dx, 330 + dy), fill=(40, 120, 50), width=16)
    return _jpeg(image)
