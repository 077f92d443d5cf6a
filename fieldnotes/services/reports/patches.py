"""Corrections to ReportLab, applied once when reports first register their fonts.

All are about text that ReportLab's TrueType support otherwise garbles: words that mix faces
are shaped one face at a time, characters beyond U+FFFF and the joined forms of Arabic letters
are written into the PDF's text map so that copying and searching give back what was typed.
Each wrapper changes nothing for the cases ReportLab already gets right. One more is about
speed only: colours named in paragraph markup are parsed once, not once per tag.
"""

from __future__ import annotations

import threading
from typing import Any

_APPLIED = False
_LOCK = threading.Lock()

#: Text behind the private code points ReportLab gives to shaped glyphs that have no character
#: of their own (Arabic letters in their joined forms, ligatures), by font face name.
_SHAPED_GLYPH_TEXT: dict[str, dict[int, str]] = {}
_PRIVATE_USE = range(0xE000, 0xF900)


def apply_reportlab_corrections() -> None:
    """Install both corrections (idempotent)."""
    global _APPLIED
    with _LOCK:
        if _APPLIED:
            return
        _shape_each_face_separately()
        _map_astral_characters_back_to_text()
        _parse_markup_colours_once()
        _APPLIED = True


def _parse_markup_colours_once() -> None:
    """Remember the colours of `<font color=...>` tags instead of parsing them at every tag.

    A report's badges and muted labels name the same handful of colours hundreds of times, and
    ReportLab's colour parser (CSS expressions first) made up a tenth of a report's time.
    """
    import functools

    from reportlab.lib import colors
    from reportlab.platypus import paraparser

    parse = functools.lru_cache(maxsize=256)(lambda text: colors.toColor(text))

    def cached_colour(value: Any) -> Any:
        return parse(value) if isinstance(value, str) else colors.toColor(value)

    for name in dir(paraparser):
        attribute_map = getattr(paraparser, name)
        if not (name.startswith("_") and name.endswith("AttrMap") and isinstance(attribute_map, dict)):
            continue
        for key, entry in list(attribute_map.items()):
            if isinstance(entry, tuple) and len(entry) == 2 and entry[1] is colors.toColor:
                attribute_map[key] = (entry[0], cached_colour)


def _map_astral_characters_back_to_text() -> None:
    """Write characters beyond U+FFFF (emoji, rare Han) into the PDF's text map as UTF-16.

    ReportLab writes each character's code as four hex digits, so U+1F600 becomes "1F600",
    which readers take as U+1F60 (a Greek letter): copying, searching and extracting text
    then give wrong characters although the glyph on the page is right.
    """
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "writes_utf16", False):
        return

    def utf16_hex(codepoint: int) -> str:
        if codepoint <= 0xFFFF:
            return f"{codepoint:04X}"
        offset = codepoint - 0x10000
        return f"{0xD800 + (offset >> 10):04X}{0xDC00 + (offset & 0x3FF):04X}"

    def text_of(fontname: str) -> dict[int, str]:
        face_name = fontname.split("+", 1)[-1]
        for name, texts in _SHAPED_GLYPH_TEXT.items():
            if face_name.startswith(name):
                return texts
        return {}

    def utf16_of(codepoint: int, shaped_texts: dict[int, str]) -> str:
        text = shaped_texts.get(codepoint)
        if text is None:
            return utf16_hex(codepoint)
        return "".join(utf16_hex(ord(character)) for character in text)

    def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        shaped_texts = text_of(fontname)
        if all(codepoint <= 0xFFFF and codepoint not in shaped_texts for codepoint in subset):
            return original(fontname, subset)
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{code:02X}> <{utf16_of(codepoint, shaped_texts)}>" for code, codepoint in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
        return "\n".join(lines)

    to_unicode_cmap.writes_utf16 = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = to_unicode_cmap


def _shape_each_face_separately() -> None:
    """Make ReportLab shape a word that mixes faces one face at a time.

    ReportLab shapes a whole word (text between spaces) with the first face in it and then
    reads the glyph numbers in every other face of the word, so "(مرحبا)" or "שלום," comes out
    with boxes: Noto Sans Arabic and Hebrew have no Latin punctuation, which stays in the text
    face. Wrapping its word shaper to shape each same-face stretch on its own fixes that.
    """
    from reportlab.platypus import paragraph

    original = paragraph.shapeFragWord
    if getattr(original, "shapes_each_face", False):
        return

    def shape_one_face(word: list[Any], *args: Any, **kwargs: Any) -> list[Any]:
        shaped = original(word, *args, **kwargs)
        if shaped is not word:
            _remember_shaped_glyph_text(word, shaped)
        return shaped

    def shape_word(word: list[Any], *args: Any, **kwargs: Any) -> list[Any]:
        pieces = word[1:]
        faces = {getattr(piece[0], "fontName", None) for piece in pieces}
        if len(faces) <= 1 or any(hasattr(piece[0], "cbDefn") for piece in pieces):
            return shape_one_face(word, *args, **kwargs)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        shaped_pieces: list[Any] = []
        width = 0.0
        start = 0
        shaped_word_class: type[list[Any]] = word.__class__
        while start < len(pieces):
            end = start + 1
            while end < len(pieces) and pieces[end][0].fontName == pieces[start][0].fontName:
                end += 1
            group = pieces[start:end]
            group_width = sum(stringWidth(text, piece.fontName, piece.fontSize) for piece, text in group)
            shaped = shape_one_face(word.__class__([group_width, *group]), *args, force=True)
            width += shaped[0]
            shaped_pieces.extend(shaped[1:])
            shaped_word_class = shaped.__class__
            start = end
        return shaped_word_class([width, *shaped_pieces])

    shape_word.shapes_each_face = True  # type: ignore[attr-defined]
    paragraph.shapeFragWord = shape_word


def _remember_shaped_glyph_text(word: list, shaped: list) -> None:
    """Note which typed characters each private-use glyph code of a shaped word stands for."""
    from reportlab.pdfbase.pdfmetrics import getFont

    text = "".join(piece_text for _, piece_text in word[1:])
    for frag, shaped_text in shaped[1:]:
        shape_data = getattr(shaped_text, "__shapeData__", None)
        if not shape_data:
            continue
        clusters = sorted({data.cluster for data in shape_data})
        following = {cluster: clusters[index + 1] if index + 1 < len(clusters) else len(text)
                     for index, cluster in enumerate(clusters)}
        face = getFont(frag.fontName).face.name
        face_name = face.decode("latin-1") if isinstance(face, bytes) else str(face)
        known = _SHAPED_GLYPH_TEXT.setdefault(face_name, {})
        seen_clusters: set[int] = set()
        for character, data in zip(shaped_text, shape_data, strict=False):
            codepoint = ord(character)
            first_of_cluster = data.cluster not in seen_clusters
            seen_clusters.add(data.cluster)
            if codepoint in _PRIVATE_USE and (codepoint not in known or (first_of_cluster and not known[codepoint])):
                # A cluster's later glyphs (the dots some faces draw apart from their letter) add no text.
                known[codepoint] = text[data.cluster:following[data.cluster]] if first_of_cluster else ""
