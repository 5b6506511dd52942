"""Bytes to text: UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark.

Nothing else is guessed. A review in Latin-1 or Shift-JIS decoded by guesswork would put wrong
names into the graph without a word; refusing it with the file's name and the first bad byte
tells the user what to convert.
"""

from __future__ import annotations

import codecs

from ..errors import ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding_of(head: bytes) -> str:
    """The codec the first bytes announce: ``utf-16`` for a UTF-16 BOM, else ``utf-8-sig``."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return "utf-8-sig"


def has_utf16_bom(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode_bytes(data: bytes, name: str) -> str:
    """The text of ``data``; a ``ReadError`` naming ``name`` and the offending byte otherwise."""
    codec = encoding_of(data[:4])
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-16":
            raise ReadError(name, f"not valid UTF-16 (it starts with a UTF-16 byte-order mark): "
                                  f"bad data at offset {exc.start}") from None
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError(
            name,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line}); "
            "save it as UTF-8 or UTF-16 with a byte-order mark",
        ) from None
