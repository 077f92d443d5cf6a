"""Laying out a report's flowables into a PDF file: pages with a running header and numbered
footer, document metadata, progress, cancelling, and never a half-written file at the target.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from fieldnotes import __version__
from fieldnotes.domain.errors import FieldnotesError, OperationCancelled
from fieldnotes.services.reports import fonts, styles
from fieldnotes.services.reports.flowables import para
from fieldnotes.services.reports.text import escape, fitted_label, rich, runs
from fieldnotes.services.team_settings import NO_BRANDING, Branding

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class DocumentInfo:
    """What a report says about itself: PDF metadata and the text of its running header.

    The header shows `header_subject` (an account's name, a summary's title: cut to fit one
    line) then `header_detail` (a date or a period) on the left, `header_right` on the right.
    The team's logo and name, when it has them, stand at the header's left on every page;
    `footer_note` replaces the footer's usual line (the customer version says there what it
    leaves out). All are plain text.
    """

    title: str
    author: str
    subject: str
    header_subject: str
    header_detail: str
    header_right: str
    keywords: str = "field visit, fieldnotes"
    branding: Branding = NO_BRANDING
    footer_note: str = ""


class ReportFileError(FieldnotesError):
    """The report cannot be written where the user asked (no such folder, no permission, disk full)."""


class ProgressReporter:
    """Turns units of work into calls of `progress(done, total)`, and checks for cancelling.

    Calls are thinned out to about one per percent, so a report of thousands of flowables does
    not flood a progress bar.
    """

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None, total: int) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self.total = max(total, 1)
        self.done = 0
        self._last_reported = -1

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise OperationCancelled("the report was cancelled; no file was written")

    def advance(self, units: int = 1) -> None:
        self.done = min(self.done + units, self.total)
        self.check()
        if self._progress is None:
            return
        step = max(self.total // 100, 1)
        if self.done == self.total or self.done - self._last_reported >= step:
            self._last_reported = self.done
            self._progress(self.done, self.total)

    def grow(self, units: int) -> None:
        """Add work discovered on the way (the flowables, once the content is known)."""
        self.total += units


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so that each footer can say "Page 3 of 7"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Otherwise every page names Helvetica, a font that is never embedded, as its first font.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.REGULAR
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self.setFont(fonts.REGULAR, styles.HEADER_SIZE)
            self.setFillColor(styles.MUTED)
            self.drawRightString(
                styles.PAGE_SIZE[0] - styles.MARGIN_RIGHT, styles.FOOTER_BASELINE, f"Page {self._pageNumber} of {count}"
            )
            super().showPage()
        super().save()


class _ReportTemplate(BaseDocTemplate):
    def __init__(self, filename: str, info: DocumentInfo, reporter: ProgressReporter) -> None:
        super().__init__(
            filename,
            pagesize=styles.PAGE_SIZE,
            leftMargin=styles.MARGIN_LEFT,
            rightMargin=styles.MARGIN_RIGHT,
            topMargin=styles.MARGIN_TOP,
            bottomMargin=styles.MARGIN_BOTTOM,
            title=info.title,
            author=info.author,
            subject=info.subject,
            keywords=info.keywords,
            creator=f"fieldnotes {__version__}",
            producer=f"fieldnotes {__version__} (ReportLab)",
            invariant=False,
        )
        self.info = info
        self.reporter = reporter
        generated = dt.date.today().isoformat()
        sheet = styles.sheet()
        footer = info.footer_note or f"fieldnotes · generated {generated}"
        self._footer_left = para(escape(footer), sheet.footer)
        # A footer note fills the left of the footer: the date goes under the page number instead.
        self._footer_date = f"Generated {generated}" if info.footer_note else ""
        self._logo, self._logo_size = _fitted_logo(info.branding.logo)
        indent = self._logo_size[0] + styles.LOGO_GAP if self._logo is not None else 0
        # Built here, inside the layout, where every face (the CJK cuts too) can be measured.
        subject = fitted_label(info.header_subject, styles.HEADER_ROOM - indent, styles.HEADER_SIZE)
        left = " · ".join(part for part in (rich(subject), escape(info.header_detail)) if part)
        self._header_left = para(left, sheet.header)
        self._header_right = para(escape(info.header_right), sheet.header_right)
        team = fitted_label(info.branding.team_name, styles.FRAME_WIDTH * 0.68 - indent, styles.TEAM_NAME_SIZE,
                            fonts.SEMIBOLD)
        self._team_name = para(rich(team), sheet.team_name) if team else None
        self._indent = indent
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        width = styles.FRAME_WIDTH
        left_width = width * 0.68
        baseline = styles.HEADER_BASELINE
        rule_y = baseline - 5
        if self._logo is not None:
            logo_width, logo_height = self._logo_size
            # Standing on the rule, whatever its shape: a wide logo is as tall as a square one is not.
            canvas.drawImage(self._logo, styles.MARGIN_LEFT, rule_y + 3, logo_width, logo_height, mask="auto")
        text_left = styles.MARGIN_LEFT + self._indent
        _, height = self._header_left.wrap(left_width - self._indent, 30)
        # A long account name must not push the header into the text: keep its first line only.
        self._header_left.drawOn(canvas, text_left, baseline - min(height, 9) + 7)
        if self._team_name is not None:
            _, team_height = self._team_name.wrap(left_width - self._indent, 30)
            self._team_name.drawOn(canvas, text_left, baseline + 10 - min(team_height, 10) + 7)
        _, right_height = self._header_right.wrap(width - left_width, 30)
        self._header_right.drawOn(canvas, styles.MARGIN_LEFT + left_width, baseline - min(right_height, 9) + 7)
        canvas.setStrokeColor(styles.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(styles.MARGIN_LEFT, rule_y, styles.PAGE_SIZE[0] - styles.MARGIN_RIGHT, rule_y)
        canvas.line(styles.MARGIN_LEFT, styles.FOOTER_BASELINE + 9, styles.PAGE_SIZE[0] - styles.MARGIN_RIGHT,
                    styles.FOOTER_BASELINE + 9)
        # Beside "Page N of M", which the canvas adds once the pages are counted.
        _, footer_height = self._footer_left.wrap(width * 0.86, 40)
        self._footer_left.drawOn(canvas, styles.MARGIN_LEFT, styles.FOOTER_BASELINE + 7 - footer_height)
        if self._footer_date:
            canvas.setFont(fonts.REGULAR, styles.HEADER_SIZE)
            canvas.setFillColor(styles.MUTED)
            canvas.drawRightString(styles.PAGE_SIZE[0] - styles.MARGIN_RIGHT, styles.FOOTER_BASELINE - 9,
                                   self._footer_date)
        canvas.restoreState()
        self.reporter.check()

    def afterFlowable(self, flowable: Flowable) -> None:
        self.reporter.advance()


def _fitted_logo(data: bytes | None) -> tuple[ImageReader | None, tuple[float, float]]:
    """The logo ready to draw and its size scaled into the header's logo box (aspect kept)."""
    if data is None:
        return None, (0, 0)
    image = ImageReader(io.BytesIO(data))
    width, height = image.getSize()
    box_width, box_height = styles.LOGO_BOX
    scale = min(box_width / width, box_height / height)
    return image, (width * scale, height * scale)


def _temporary_sibling(target: Path) -> Path:
    """A fresh file beside the target, so that the final rename never crosses file systems.

    Created with the permissions the user's umask gives any new file (`mkstemp` would make
    it private, and colleagues could not open the report on a shared drive).
    """
    for _attempt in range(100):
        candidate = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(handle)
        return candidate
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(target.parent))


def write_pdf(target: Path, story: list[Flowable], info: DocumentInfo, reporter: ProgressReporter) -> Path:
    """Lay out `story` and write it to `target` in one step: all of it or, on failure, nothing.

    The PDF is written to a temporary file in the target's folder and renamed over the target
    at the end, so that a reader never sees half a report and a cancelled or failed build
    leaves the previous file untouched.

    Raises:
        ReportFileError: the target's folder does not exist or cannot be written.
        OperationCancelled: `cancelled()` became true during layout.
    """
    target = Path(target)
    if not target.parent.is_dir():
        raise ReportFileError(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        partial = _temporary_sibling(target)
    except OSError as error:
        raise ReportFileError(f"cannot write in {target.parent}: {error.strerror or error}") from None
    reporter.grow(len(story))
    # Notes their CJK characters, so that the layout's faces have them.
    runs(info.header_subject)
    runs(info.branding.team_name)
    try:
        with fonts.font_book().layout():
            template = _ReportTemplate(str(partial), info, reporter)
            template.build(story, canvasmaker=_NumberedCanvas)
        reporter.check()
        os.replace(partial, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise ReportFileError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return target
