"""The PNG writer draws text that can be read back, pixel by pixel, with the same font."""

import io
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from support import examples

from mock_carriers.core.raster import CELL_HEIGHT, CELL_WIDTH, FONT, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, text_png


def read_back(png: bytes, lines: int, columns: int, scale: int, margin: int) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    by_rows = {rows: char for char, rows in FONT.items()}
    text = []
    for line in range(lines):
        chars = []
        for column in range(columns):
            left, top = margin + column * CELL_WIDTH * scale, margin + line * CELL_HEIGHT * scale
            rows = tuple(
                sum(0x10 >> x for x in range(GLYPH_WIDTH) if image.getpixel((left + x * scale, top + y * scale)) < 128)
                for y in range(GLYPH_HEIGHT)
            )
            chars.append(by_rows.get(rows, "\0"))
        text.append("".join(chars))
    return text


def test_every_glyph_is_distinct():
    assert len(set(FONT.values())) == len(FONT)


@settings(max_examples=examples(25), deadline=None)
@given(
    st.lists(st.text(alphabet=sorted(FONT), min_size=1, max_size=20), min_size=1, max_size=4),
    st.sampled_from([1, 2, 3]),
)
def test_text_reads_back(lines, scale):
    png = text_png(lines, (20 * CELL_WIDTH * scale + 40, 4 * CELL_HEIGHT * scale + 40), scale=scale, margin=20)
    width = max(len(line) for line in lines)
    assert read_back(png, len(lines), width, scale, 20) == [line.upper().ljust(width) for line in lines]


def test_unknown_characters_are_drawn_as_a_question_mark_and_the_text_is_kept():
    assert glyph("é") == FONT["?"] and glyph("a") == FONT["A"]
    png = text_png(["TRACKING: H01EVR0001"], (300, 40))
    assert Image.open(io.BytesIO(png)).size == (300, 40)
    start = png.index(b"tEXt") + 4
    assert png[start : start + 12] == b"Description\0" and b"TRACKING: H01EVR0001" in png


def test_text_beyond_the_image_is_cut_not_an_error():
    png = text_png(["X" * 500] * 200, (50, 30))
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size == (50, 30)
    assert zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])  # one well-formed IDAT
