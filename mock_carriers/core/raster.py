"""A minimal PNG writer: lines of text in a 5x7 pixel font, black on white.

Carriers answer label requests with images; a test (or a person) can open the PNG and read the
tracking number on it. The text is also stored in a `tEXt` chunk for programs that only want it.
No imaging library is needed at run time.
"""

from __future__ import annotations

import struct
import zlib

GLYPH_WIDTH, GLYPH_HEIGHT = 5, 7
CELL_WIDTH, CELL_HEIGHT = GLYPH_WIDTH + 1, GLYPH_HEIGHT + 3  # one column and three rows of spacing

# Each glyph: seven rows of five pixels as two hex digits each, the leftmost pixel the high bit.
_GLYPHS = {
    "0": "0E11131519110E",
    "1": "040C040404040E",
    "2": "0E11010204081F",
    "3": "1F02040201110E",
    "4": "02060A121F0202",
    "5": "1F101E0101110E",
    "6": "0608101E11110E",
    "7": "1F010204080808",
    "8": "0E11110E11110E",
    "9": "0E11110F01020C",
    "A": "0E1111111F1111",
    "B": "1E11111E11111E",
    "C": "0E11101010110E",
    "D": "1C12111111121C",
    "E": "1F10101E10101F",
    "F": "1F10101E101010",
    "G": "0E11101711110F",
    "H": "1111111F111111",
    "I": "0E04040404040E",
    "J": "0702020202120C",
    "K": "11121418141211",
    "L": "1010101010101F",
    "M": "111B1515111111",
    "N": "11111915131111",
    "O": "0E11111111110E",
    "P": "1E11111E101010",
    "Q": "0E11111115120D",
    "R": "1E11111E141211",
    "S": "0F10100E01011E",
    "T": "1F040404040404",
    "U": "1111111111110E",
    "V": "11111111110A04",
    "W": "1111111515150A",
    "X": "11110A040A1111",
    "Y": "1111110A040404",
    "Z": "1F01020408101F",
    " ": "00000000000000",
    "-": "0000001F000000",
    ":": "000C0C000C0C00",
    ".": "00000000000C0C",
    ",": "000000000C0408",
    "/": "00010204081000",
    "#": "0A0A1F0A1F0A0A",
    "(": "02040808080402",
    ")": "08040202020408",
    "+": "0004041F040400",
    "&": "0C12140815120D",
    "'": "0C040800000000",
    "@": "0E11010D15150E",
    "_": "0000000000001F",
    "?": "0E110102040004",
}
FONT: dict[str, tuple[int, ...]] = {
    char: tuple(int(code[i : i + 2], 16) for i in range(0, 14, 2)) for char, code in _GLYPHS.items()
}


def glyph(char: str) -> tuple[int, ...]:
    """The rows of a character; lower case is drawn as upper case, anything unknown as `?`."""
    return FONT.get(char.upper(), FONT["?"])


def text_png(lines: list[str], size: tuple[int, int], scale: int = 2, margin: int = 16) -> bytes:
    """A grayscale PNG of `size` pixels with `lines` from the top-left; what does not fit is cut."""
    width, height = size
    pixels = bytearray(b"\xff" * (width * height))
    ink = b"\x00" * scale
    for line_number, line in enumerate(lines):
        top = margin + line_number * CELL_HEIGHT * scale
        if top + GLYPH_HEIGHT * scale > height:
            break
        for column, char in enumerate(line):
            left = margin + column * CELL_WIDTH * scale
            if left + GLYPH_WIDTH * scale > width:
                break
            for row, bits in enumerate(glyph(char)):
                for x in range(GLYPH_WIDTH):
                    if bits & (0x10 >> x):
                        for dy in range(scale):
                            start = (top + row * scale + dy) * width + left + x * scale
                            pixels[start : start + scale] = ink
    rows = b"".join(b"\x00" + bytes(pixels[y * width : (y + 1) * width]) for y in range(height))
    text = "\n".join(lines).encode("latin-1", "replace")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _chunk(b"tEXt", b"Description\x00" + text)
        + _chunk(b"IDAT", zlib.compress(rows, 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
