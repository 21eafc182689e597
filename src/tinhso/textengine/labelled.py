"""Reading a labelled CSV (one text and one label per row) for training and evaluation,
refusing with a clear reason what would make a bad model or a misleading score."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from django.utils.translation import gettext as _

from tinhso.textengine import legacy

DELIMITERS = (",", ";", "\t")
# More different labels than this, most of them rare, is a column of texts, not of labels.
MAX_LABELS = 50


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
    content = legacy.decode_as(raw, encoding).lstrip("\ufeff")
    delimiter = _delimiter(content, (text_column, label_column))
    # RFC 4180, as Python's csv module, Excel and pandas write it: a quote inside a quoted
    # text is doubled, and a quoted text may hold the delimiter and line breaks. Only the
    # delimiter is guessed; csv.Sniffer also guesses the quoting and, on texts holding
    # quotes, guesses wrong (doublequote=False), cutting texts into false labels.
    rows = csv.reader(io.StringIO(content, newline=""), csv.excel, delimiter=delimiter)
    columns = [c.strip() for c in next(rows, [])]
    for wanted in (text_column, label_column):
        if wanted not in columns:
            raise LabelledDataError(
                _("The file has no column “%(column)s”. Its columns: %(columns)s.")
                % {"column": wanted, "columns": ", ".join(columns) or "—"}
            )
    text_at, label_at = columns.index(text_column), columns.index(label_column)
    texts, labels, empty, ragged = [], [], [], []
    line = rows.line_num + 1
    for row in rows:
        if not any(cell.strip() for cell in row):  # a blank line
            line = rows.line_num + 1
            continue
        if len(row) != len(columns):
            ragged.append(line)
        else:
            text, label = row[text_at].strip(), row[label_at].strip()
            if not text or not label:
                empty.append(line)
            else:
                texts.append(text)
                labels.append(label)
        line = rows.line_num + 1
    if ragged:
        raise LabelledDataError(
            _(
                "%(n)s rows do not have the %(k)s columns of the header (lines %(lines)s). "
                "A text holding the delimiter “%(delimiter)s” must be in double quotes."
            )
            % {
                "n": len(ragged),
                "k": len(columns),
                "lines": _shown(ragged),
                "delimiter": {"\t": "Tab"}.get(delimiter, delimiter),
            }
        )
    if empty:
        raise LabelledDataError(
            _("%(n)s rows have an empty text or label (lines %(lines)s). Fill or remove them.")
            % {"n": len(empty), "lines": _shown(empty)}
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
    if implausible(counts, len(labels)):
        raise LabelledDataError(
            _(
                "The column “%(column)s” has %(k)s different labels in %(n)s rows (%(once)s "
                "of them only once): it does not look like a label column. Check the "
                "column, and that texts holding the delimiter or quotes are in double "
                "quotes, with quotes inside doubled."
            )
            % {
                "column": label_column,
                "k": len(counts),
                "n": len(labels),
                "once": sum(1 for c in counts.values() if c == 1),
            }
        )
    return texts, labels


def implausible(counts: Counter, rows: int) -> bool:
    """Whether a label column with these counts is more likely text than labels: more than
    MAX_LABELS different values, and either more than a fifth of the rows each have a
    value of their own, or more than half of the values are seen only once. A province's
    fields number a few dozen at most; a column of texts, or texts cut into pieces by a
    misread file, has a value per row or many seen once."""
    if len(counts) <= MAX_LABELS:
        return False
    once = sum(1 for c in counts.values() if c == 1)
    return len(counts) > rows / 5 or once > len(counts) / 2


def _delimiter(content: str, wanted: tuple[str, ...]) -> str:
    """The delimiter among `,` `;` Tab that splits the header into the wanted columns (else
    into the most columns; a comma when none splits it)."""
    header = content.split("\n", 1)[0]
    best, most = ",", 1
    for delimiter in DELIMITERS:
        names = [c.strip() for c in next(csv.reader([header], delimiter=delimiter), [])]
        if all(name in names for name in wanted):
            return delimiter
        if len(names) > most:
            best, most = delimiter, len(names)
    return best


def _shown(lines: list[int]) -> str:
    return ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
