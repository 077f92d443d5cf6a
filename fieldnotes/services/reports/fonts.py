"""The fonts reports are set in, registered with ReportLab once, and which one draws a character.

Every font comes from a Python package the project depends on, so a report looks the same on
every machine and every glyph is embedded (ReportLab subsets TrueType fonts on save):

- Fira Sans (package `fontpkg-fira-sans`, SIL OFL 1.1): the text face, in five weights and
  styles; it covers Latin, Greek and Cyrillic.
- Noto Sans, Noto Sans Symbols, Noto Emoji (monochrome) and the Noto faces for Arabic, Hebrew,
  Indic, South-East Asian, Georgian, Armenian and Ethiopic scripts (package `manimgx-fonts`,
  SIL OFL 1.1).
- Noto Sans SC, TC, JP and KR (package `justmytype-intl-cjk`, SIL OFL 1.1) for Chinese,
  Japanese and Korean.

Fallback faces are registered on first use only: the Chinese face alone is 17 MB, and a
report without Chinese should not pay for reading it. The CJK faces are variable fonts whose
default instance is the thinnest weight, which reads as grey on paper; before a document is
laid out, `FontBook.prepare_cjk()` cuts from each one only the characters reports have used
so far, at the regular weight (fontTools' subsetter and instancer), and registers that. It
costs well under a second for a page of Chinese, against half a minute for instancing the
whole font.
"""

from __future__ import annotations

import contextlib
import io
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fieldnotes.services.reports.patches import apply_reportlab_corrections

#: ReportLab names of the text face; `<b>` and `<i>` in paragraph markup map onto them.
TEXT_FAMILY = "FiraSans"
REGULAR = "FiraSans"
BOLD = "FiraSans-Bold"
ITALIC = "FiraSans-Italic"
BOLD_ITALIC = "FiraSans-BoldItalic"
SEMIBOLD = "FiraSans-SemiBold"

_TEXT_FACE_PACKAGE = "fontpkg_fira_sans"
_TEXT_FACE_FILES = {
    REGULAR: "FiraSans-Regular.ttf",
    BOLD: "FiraSans-Bold.ttf",
    ITALIC: "FiraSans-Italic.ttf",
    BOLD_ITALIC: "FiraSans-BoldItalic.ttf",
    SEMIBOLD: "FiraSans-SemiBold.ttf",
}

# Unicode blocks of Chinese, Japanese and Korean writing (with their punctuation and full-width
# forms). Only characters in them may cause one of the big CJK faces to be loaded.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x2FF0, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F),
    (0x3130, 0x318F), (0x3190, 0x31FF), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))


def _in_ranges(codepoint: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= codepoint <= high for low, high in ranges)


def _package_file(package: str, *parts: str) -> Path | None:
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        return None
    candidate = Path(str(root.joinpath(*parts)))
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class PackagedFont:
    """A font file inside an installed Python package: `parts` is its path within the package."""

    package: str
    parts: tuple[str, ...]

    def locate(self) -> Path | None:
        """The file's path, or None when its package is not installed."""
        return _package_file(self.package, *self.parts)


@dataclass(frozen=True)
class FallbackFace:
    """A face used for the characters the text face lacks.

    `shaping` marks scripts whose letters change shape or order with their neighbours
    (Arabic, Indic): paragraphs using such a face are shaped with HarfBuzz. `only_for`, when
    set, restricts the face to those Unicode ranges so that it is never loaded for others.
    """

    name: str
    file: PackagedFont
    shaping: bool = False
    only_for: tuple[tuple[int, int], ...] | None = None
    variable_weight: bool = False

    def locate(self) -> Path | None:
        return self.file.locate()


def _manim(file_name: str) -> PackagedFont:
    return PackagedFont("manimgx_fonts", (file_name,))


def _cjk(folder: str, file_name: str) -> PackagedFont:
    return PackagedFont("justmytype_intl_cjk", ("fonts", "ofl", folder, file_name))


_GENERAL_FALLBACKS: tuple[FallbackFace, ...] = (
    FallbackFace("NotoSans", _manim("NotoSans[wght].ttf")),
    FallbackFace("NotoSansArabic", _manim("NotoSansArabic[wght].ttf"), shaping=True),
    FallbackFace("NotoSansHebrew", _manim("NotoSansHebrew[wght].ttf"), shaping=True),
    FallbackFace("NotoSansDevanagari", _manim("NotoSansDevanagari[wght].ttf"), shaping=True),
    FallbackFace("NotoSansBengali", _manim("NotoSansBengali[wght].ttf"), shaping=True),
    FallbackFace("NotoSansGurmukhi", _manim("NotoSansGurmukhi[wght].ttf"), shaping=True),
    FallbackFace("NotoSansGujarati", _manim("NotoSansGujarati[wght].ttf"), shaping=True),
    FallbackFace("NotoSansOriya", _manim("NotoSansOriya[wght].ttf"), shaping=True),
    FallbackFace("NotoSansTamil", _manim("NotoSansTamil[wght].ttf"), shaping=True),
    FallbackFace("NotoSansTelugu", _manim("NotoSansTelugu[wght].ttf"), shaping=True),
    FallbackFace("NotoSansKannada", _manim("NotoSansKannada[wght].ttf"), shaping=True),
    FallbackFace("NotoSansMalayalam", _manim("NotoSansMalayalam[wght].ttf"), shaping=True),
    FallbackFace("NotoSansSinhala", _manim("NotoSansSinhala[wght].ttf"), shaping=True),
    FallbackFace("NotoSansThai", _manim("NotoSansThai[wght].ttf"), shaping=True),
    FallbackFace("NotoSansLao", _manim("NotoSansLao[wght].ttf"), shaping=True),
    FallbackFace("NotoSansKhmer", _manim("NotoSansKhmer[wght].ttf"), shaping=True),
    FallbackFace("NotoSansMyanmar", _manim("NotoSansMyanmar[wght].ttf"), shaping=True),
    FallbackFace("NotoSansGeorgian", _manim("NotoSansGeorgian[wght].ttf")),
    FallbackFace("NotoSansArmenian", _manim("NotoSansArmenian[wght].ttf")),
    FallbackFace("NotoSansEthiopic", _manim("NotoSansEthiopic[wght].ttf"), shaping=True),
    FallbackFace("NotoSansSymbols", _manim("NotoSansSymbols[wght].ttf")),
    FallbackFace("NotoEmoji", _manim("NotoEmoji[wght].ttf")),
)

_CJK_FACES: dict[str, FallbackFace] = {
    "sc": FallbackFace(
        "NotoSansSC", _cjk("notosanssc", "NotoSansSC[wght].ttf"), only_for=_CJK_RANGES, variable_weight=True
    ),
    "tc": FallbackFace(
        "NotoSansTC", _cjk("notosanstc", "NotoSansTC[wght].ttf"), only_for=_CJK_RANGES, variable_weight=True
    ),
    "jp": FallbackFace(
        "NotoSansJP", _cjk("notosansjp", "NotoSansJP[wght].ttf"), only_for=_CJK_RANGES, variable_weight=True
    ),
    "kr": FallbackFace(
        "NotoSansKR", _cjk("notosanskr", "NotoSansKR[wght].ttf"), only_for=_CJK_RANGES, variable_weight=True
    ),
}

#: Which CJK face is tried first, by the language a text is guessed to be in: the same Han
#: character is drawn differently in Chinese, Japanese and Korean.
_CJK_ORDER = {
    "zh": ("sc", "tc", "jp", "kr"),
    "ja": ("jp", "sc", "tc", "kr"),
    "ko": ("kr", "sc", "tc", "jp"),
}


def cjk_language(text: str) -> str:
    """Guess which CJK language a text is in: Hangul means Korean, kana Japanese, else Chinese."""
    for character in text:
        codepoint = ord(character)
        if codepoint < 0x1100:
            continue
        if _in_ranges(codepoint, _HANGUL):
            return "ko"
        if _in_ranges(codepoint, _KANA):
            return "ja"
    return "zh"


def is_cjk(codepoint: int) -> bool:
    return _in_ranges(codepoint, _CJK_RANGES)


class MissingFontError(RuntimeError):
    """The text face is not installed: the installation is broken (a bug, not a user error)."""


class FontBook:
    """Registers faces with ReportLab on demand and answers which face draws a character.

    One instance serves the whole process (see `font_book()`); it is safe to use from a
    worker thread while another report is being built.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._text_face_ready = False
        self._coverage: dict[str, frozenset[int] | set[int]] = {}
        self._unavailable: set[str] = set()
        self._choice_cache: dict[tuple[str, str], str | None] = {}
        self._layout_lock = threading.RLock()
        self._cjk_wanted: dict[str, set[str]] = {}
        self._cjk_registered: dict[str, frozenset[str]] = {}
        self.shaping_faces = frozenset(
            face.name for face in (*_GENERAL_FALLBACKS, *_CJK_FACES.values()) if face.shaping
        )
        #: Faces whose runs take in the punctuation and digits that follow them.
        self.adopting_faces = self.shaping_faces | {face.name for face in _CJK_FACES.values()}

    # --- registration --------------------------------------------------------------

    def ensure_text_face(self) -> None:
        """Register the text face and its bold and italic styles (cheap after the first call)."""
        if self._text_face_ready:
            return
        with self._lock:
            if self._text_face_ready:
                return
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            for name, file_name in _TEXT_FACE_FILES.items():
                path = _package_file(_TEXT_FACE_PACKAGE, "files", file_name)
                if path is None:
                    raise MissingFontError(
                        f"the report font {file_name} is missing: reinstall fieldnotes with its dependencies"
                    )
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(path)))
            pdfmetrics.registerFontFamily(TEXT_FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
            pdfmetrics.registerFontFamily(SEMIBOLD, normal=SEMIBOLD, bold=BOLD, italic=BOLD_ITALIC,
                                          boldItalic=BOLD_ITALIC)
            self._coverage[REGULAR] = frozenset(pdfmetrics.getFont(REGULAR).face.charToGlyph)
            apply_reportlab_corrections()
            self._text_face_ready = True

    def _coverage_of(self, face: FallbackFace) -> frozenset[int] | set[int]:
        """Code points the face has glyphs for, registering it first; empty if not installed."""
        known = self._coverage.get(face.name)
        if known is not None:
            return known
        with self._lock:
            known = self._coverage.get(face.name)
            if known is not None:
                return known
            path = face.locate()
            if path is None:
                self._unavailable.add(face.name)
                self._coverage[face.name] = frozenset()
                return self._coverage[face.name]
            if face.variable_weight:
                from fontTools.ttLib import TTFont as FontToolsFont

                with FontToolsFont(str(path), lazy=True) as font_file:
                    self._coverage[face.name] = frozenset(font_file.getBestCmap())
                self._cjk_wanted.setdefault(face.name, set())
                _register_single_style_family(face.name)
                return self._coverage[face.name]
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            font = TTFont(face.name, str(path), shapable=face.shaping)
            pdfmetrics.registerFont(font)
            _register_single_style_family(face.name)
            self._coverage[face.name] = frozenset(font.face.charToGlyph)
            return self._coverage[face.name]

    # --- choosing ------------------------------------------------------------------

    def covered_by_text_face(self, character: str) -> bool:
        self.ensure_text_face()
        return ord(character) in self._coverage[REGULAR]

    def face_for(self, character: str, language: str = "zh") -> str | None:
        """The registered face that draws `character`, or None when no installed face has it.

        `language` ("zh", "ja" or "ko") decides which CJK face is preferred for Han characters.
        """
        key = (character, language)
        try:
            return self._choice_cache[key]
        except KeyError:
            pass
        self.ensure_text_face()
        codepoint = ord(character)
        chosen: str | None = REGULAR if codepoint in self._coverage[REGULAR] else None
        if chosen is None:
            candidates: list[FallbackFace] = []
            if is_cjk(codepoint):
                candidates.extend(_CJK_FACES[code] for code in _CJK_ORDER[language])
            candidates.extend(_GENERAL_FALLBACKS)
            for face in candidates:
                if face.only_for is not None and not _in_ranges(codepoint, face.only_for):
                    continue
                if codepoint in self._coverage_of(face):
                    chosen = face.name
                    break
        self._choice_cache[key] = chosen
        return chosen

    def note_used(self, face_name: str, characters: str) -> None:
        """Remember characters drawn by a CJK face, so that `prepare_cjk` includes them."""
        wanted = self._cjk_wanted.get(face_name)
        if wanted is not None:
            with self._lock:
                wanted.update(characters)

    @contextlib.contextmanager
    def layout(self) -> Iterator[None]:
        """Hold while a document is laid out and saved: the CJK faces must not change meanwhile.

        On entry, every CJK face registered with ReportLab is made to cover every character
        noted with `note_used` so far.
        """
        with self._layout_lock:
            self.prepare_cjk()
            yield

    def prepare_cjk(self) -> None:
        with self._lock:
            for name, wanted in self._cjk_wanted.items():
                registered = self._cjk_registered.get(name)
                if not wanted or (registered is not None and wanted <= registered):
                    continue
                # The ellipsis is added at layout time, to labels cut to fit.
                characters = frozenset(wanted | (registered or frozenset()) | {"…"})
                self._register_regular_cut(name, characters)
                self._cjk_registered[name] = characters

    def _register_regular_cut(self, name: str, characters: frozenset[str]) -> None:
        from fontTools import subset
        from fontTools.ttLib import TTFont as FontToolsFont
        from fontTools.varLib import instancer
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        face = next(face for face in _CJK_FACES.values() if face.name == name)
        path = face.locate()
        assert path is not None, "coverage was read from this file a moment ago"
        options = subset.Options()
        options.layout_features = []  # ReportLab does not shape CJK text, so no lookups are needed
        options.name_IDs = ["*"]
        options.notdef_outline = True
        # From bytes rather than the open file: the instancer copies the font, file handle and all.
        with FontToolsFont(io.BytesIO(path.read_bytes()), lazy=True) as font_file:
            subsetter = subset.Subsetter(options)
            subsetter.populate(text="".join(sorted(characters)))
            subsetter.subset(font_file)
            regular = instancer.instantiateVariableFont(font_file, {"wght": 400}, updateFontNames=True)
            data = io.BytesIO()
            regular.save(data)
        data.seek(0)
        font = TTFont(name, data, shapable=False)
        # `registerFont` keeps the first font registered under a name and silently ignores
        # any later one, so a wider cut would never be used: the next report would draw the
        # characters the first cut lacks as empty boxes. Forget the narrower cut first (no
        # document is being laid out meanwhile: `layout` holds its lock around this).
        pdfmetrics._fonts.pop(name, None)
        pdfmetrics._dynFaceNames.pop(font.face.name, None)
        pdfmetrics.registerFont(font)

    def face_has(self, face_name: str, character: str) -> bool:
        coverage = self._coverage.get(face_name)
        return coverage is not None and ord(character) in coverage

    def unavailable_faces(self) -> set[str]:
        """Fallback faces whose package is not installed (their scripts show stand-ins)."""
        return set(self._unavailable)


def report_font_files() -> list[PackagedFont]:
    """Every font file a report may use: what a frozen build must carry (packaging/fieldnotes.spec)."""
    text_faces = [PackagedFont(_TEXT_FACE_PACKAGE, ("files", file_name)) for file_name in _TEXT_FACE_FILES.values()]
    fallbacks = [face.file for face in (*_GENERAL_FALLBACKS, *_CJK_FACES.values())]
    return text_faces + fallbacks


def _register_single_style_family(name: str) -> None:
    """One face for every style: `<b>` or `<i>` around a run in this face must still resolve."""
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


_BOOK: FontBook | None = None
_BOOK_LOCK = threading.Lock()


def font_book() -> FontBook:
    """The process-wide font book."""
    global _BOOK
    if _BOOK is None:
        with _BOOK_LOCK:
            if _BOOK is None:
                _BOOK = FontBook()
    return _BOOK


def is_invisible_format_character(character: str) -> bool:
    """Joiners, variation selectors and other characters that are never drawn on their own."""
    return unicodedata.category(character) == "Cf" or 0xFE00 <= ord(character) <= 0xFE0F
