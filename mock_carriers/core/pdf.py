"""A minimal PDF writer: pages of text in Helvetica, which every PDF reader opens.

Carriers answer with real documents (PODs, labels, waybills); a test can open them with any
PDF library and find the consignment number in the text.
"""

from __future__ import annotations

MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1", errors="replace")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return escaped.replace(b"\r", b"").replace(b"\n", b" ")


def text_pdf(pages: list[list[str]], size: tuple[float, float] = A4, font_size: float = 11, title: str = "") -> bytes:
    """One page per list of lines, top-left aligned with a 12 mm margin."""
    width, height = size
    leading = font_size * 1.35
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(len(pages)).encode() + b" >>")
    for page_id, lines in zip(page_ids, pages):
        stream = b"BT /F1 %.1f Tf %.2f TL %.2f %.2f Td " % (font_size, leading, 12 * MM, height - 12 * MM - font_size)
        stream += b" ".join(b"(" + _escape(line) + b") Tj T*" for line in lines) + b" ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (width, height, page_id + 1, font_id)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    info_id = len(objects) + 1
    objects.append(b"<< /Title (" + _escape(title) + b") /Producer (mock-carriers) >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_id,
        xref,
    )
    return bytes(out)
