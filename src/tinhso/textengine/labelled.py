"""Reading a labelled CSV (one text and one label per row) for training and evaluation,
refusing with a clear reason what would make a bad model or a misleading score."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from django.utils.translation import gettext as _

from tinhso.textengine import legacy


class LabelledDataError(ValueError):
    """What is wrong with the file, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read(
    path: str | Path, text_column: str, label_column: str, *, min_labels: int = 2
) -> tuple[list[str], list[str]]:
    """The texts and labels of `path`, or LabelledDataError saying what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LabelledDataError(
            _("Cannot read “%(path)s”: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from exc
    # UTF-8, or a legacy Vietnamese encoding (TCVN3, VNI, VISCII, Windows-1258), detected.
    encoding = legacy.sniff(raw)
    if encoding is None:
        raise LabelledDataError(
            _(
                "“%(path)s” is not a text file (an Excel workbook?). Save it as “CSV UTF-8” "
                "and try again."
            )
            % {"path": path}
        )
    content = legacy.decode_as(raw, encoding)
    try:
        dialect = csv.Sniffer().sniff(content[:20_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.DictReader(content.splitlines(), dialect=dialect)
    columns = rows.fieldnames or []
    for wanted in (text_column, label_column):
        if wanted not in columns:
            raise LabelledDataError(
                _("The file has no column “%(column)s”. Its columns: %(columns)s.")
                % {"column": wanted, "columns": ", ".join(columns) or "—"}
            )
    texts, labels, empty = [], [], []
    for line, row in enumerate(rows, start=2):
        text = (row.get(text_column) or "").strip()
        label = (row.get(label_column) or "").strip()
        if not text or not label:
            empty.append(line)
            continue
        texts.append(text)
        labels.append(label)
    if empty:
        shown = ", ".join(str(n) for n in empty[:10]) + (" …" if len(empty) > 10 else "")
        raise LabelledDataError(
            _("%(n)s rows have an empty text or label (lines %(lines)s). Fill or remove them.")
            % {"n": len(empty), "lines": shown}
        )
    counts = Counter(labels)
    if len(counts) < min_labels:
        raise LabelledDataError(
            _(
                "Every row has the label “%(label)s”: a classifier needs at least two "
                "different labels."
            )
            % {"label": next(iter(counts), "—")}
        )
    return texts, labels
