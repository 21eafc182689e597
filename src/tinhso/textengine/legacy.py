"""Legacy Vietnamese encodings that still fill government files: TCVN3 (ABC, the .Vn
fonts), VNI (the VNI- fonts) and VISCII, besides Windows-1258 and UTF-8.

`decode(data)` turns the bytes of a file into Unicode text, detecting the encoding when it
is not given; `fix_text(text)` repairs text that was read as Windows-1252 from a cell or
a file in a legacy font ("Tieáng Vieät", "TiÕng ViÖt" → "Tiếng Việt"). Detection decodes
with each candidate and keeps the one whose words look most like Vietnamese syllables.
The warehouse's importer uses both.

The TCVN3 (TCVN 5712:1993) and VISCII (RFC 1456) byte tables below were read off GNU
libc's iconv (`TCVN5712-1`, `VISCII`), one byte at a time. VNI writes a base letter
followed by mark bytes; its marks are listed by meaning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ENCODINGS = ("utf-8", "tcvn3", "vni", "viscii", "cp1258")

TCVN3 = (
    "\x00ÚỤ\x03ỪỬỮ\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"  # 0x00
    "\x10ỨỰỲỶỸÝỴ\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"  # 0x10
    " !\x22#$%&'()*+,-./0123456789:;<=>?"  # 0x20
    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_"  # 0x40
    "`abcdefghijklmnopqrstuvwxyz{|}~\x7f"  # 0x60
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # 0x80
    "\xa0ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # 0xa0
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịò"  # 0xc0
    "ỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"  # 0xe0
)

VISCII = (
    "\x00\x01Ẳ\x03\x04ẴẪ\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"  # 0x00
    "\x10\x11\x12\x13Ỷ\x15\x16\x17\x18Ỹ\x1a\x1b\x1c\x1dỴ\x1f"  # 0x10
    " !\x22#$%&'()*+,-./0123456789:;<=>?"  # 0x20
    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\x5c]^_"  # 0x40
    "`abcdefghijklmnopqrstuvwxyz{|}~\x7f"  # 0x60
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"  # 0x80
    "ÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"  # 0xa0
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳĐứÒÓÔạỷừửÙÚỹỵÝỡư"  # 0xc0
    "àáâãảăữẫèéêẻìíĩỉđựòóôõỏọụùúũủýợỮ"  # 0xe0
)


GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
CIRCUMFLEX, BREVE = "\u0302", "\u0306"
# VNI mark bytes (as Windows-1252 shows them), lower and upper case alike.
_VNI_MARKS = {
    "ø": GRAVE,
    "ù": ACUTE,
    "û": HOOK,
    "õ": TILDE,
    "ï": DOT,
    "â": CIRCUMFLEX,
    "ê": BREVE,
    "á": CIRCUMFLEX + ACUTE,
    "à": CIRCUMFLEX + GRAVE,
    "å": CIRCUMFLEX + HOOK,
    "ã": CIRCUMFLEX + TILDE,
    "ä": CIRCUMFLEX + DOT,
    "é": BREVE + ACUTE,
    "è": BREVE + GRAVE,
    "ú": BREVE + HOOK,
    "ü": BREVE + TILDE,
    "ë": BREVE + DOT,
}
_VNI_MARKS |= {k.upper(): v for k, v in _VNI_MARKS.items()}
# VNI letters written as one byte.
_VNI_LETTERS = {
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
}
_VNI_LETTERS |= {k.upper(): v.upper() for k, v in _VNI_LETTERS.items()}
_VNI_LETTER = re.compile("[" + "".join(_VNI_LETTERS) + "]")
_VNI_PAIR = re.compile("([AaEeOoUuYyƠơƯư])([" + "".join(_VNI_MARKS) + "])")


def _vni(text: str) -> str:
    """Windows-1252 text of a VNI file → Unicode."""
    text = _VNI_LETTER.sub(lambda m: _VNI_LETTERS[m.group(0)], text)
    text = _VNI_PAIR.sub(lambda m: m.group(1) + _VNI_MARKS[m.group(2)], text)
    return unicodedata.normalize("NFC", text)


def _table(data: bytes, table: str) -> str:
    return unicodedata.normalize("NFC", "".join(table[b] for b in data))


def decode_as(data: bytes, encoding: str) -> str:
    """`data` decoded with one of ENCODINGS (ValueError when it cannot be)."""
    if encoding == "utf-8":
        return data.decode("utf-8-sig")
    if encoding == "tcvn3":
        return _table(data, TCVN3)
    if encoding == "viscii":
        return _table(data, VISCII)
    if encoding == "vni":
        return _vni(data.decode("cp1252", errors="replace"))
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    raise ValueError(f"unknown encoding {encoding!r}")


_TONES = {GRAVE, ACUTE, HOOK, TILDE, DOT}
_MODIFIERS = {CIRCUMFLEX, BREVE, "\u031b"}  # ^, ˘, horn
# The vowel groups a Vietnamese syllable can have (tones set aside), longest first.
_NUCLEI = sorted(
    [
        "a",
        "ă",
        "â",
        "e",
        "ê",
        "i",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
        "y",
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iê",
        "iu",
        "oa",
        "oă",
        "oe",
        "oi",
        "ôi",
        "ơi",
        "ua",
        "uâ",
        "uê",
        "ui",
        "uô",
        "uơ",
        "ưa",
        "ưi",
        "ưu",
        "ươ",
        "uy",
        "ya",
        "yê",
        "iêu",
        "yêu",
        "oai",
        "oay",
        "oeo",
        "uây",
        "uôi",
        "ươi",
        "ươu",
        "uyê",
        "uya",
        "uyu",
    ],
    key=len,
    reverse=True,
)
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    rf"({'|'.join(_NUCLEI)})(ch|ng|nh|[cmnpt])?$"
)
_TOKEN = re.compile(r"[^\W\d_]+")


def _syllable_ok(word: str) -> tuple[bool, bool]:
    """(is a Vietnamese syllable, carries a diacritic)."""
    marks = [c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.combining(c)]
    if sum(m in _TONES for m in marks) > 1 or any(
        m not in _TONES and m not in _MODIFIERS for m in marks
    ):
        return False, bool(marks)
    bare = "".join(
        c
        for c in unicodedata.normalize("NFD", word.lower())
        if not unicodedata.combining(c) or c in _MODIFIERS
    )
    bare = unicodedata.normalize("NFC", bare)
    return bool(_SYLLABLE.match(bare)), bool(marks) or "đ" in bare


def vietnamese_score(text: str) -> float:
    """How much `text` reads as Vietnamese: syllables with diacritics count most, words
    no Vietnamese syllable could be (mojibake) count against."""
    score = 0.0
    for word in _TOKEN.findall(text[:200_000]):
        ok, marked = _syllable_ok(word)
        if ok:
            score += 2.0 if marked else 0.5
        elif not word.isascii():
            score -= 2.0
    return score


def detect(data: bytes) -> str:
    """The most likely of ENCODINGS for `data`: UTF-8 when it decodes as such, else the
    legacy encoding whose reading looks most like Vietnamese."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    best, best_score = "cp1258", float("-inf")
    for encoding in ENCODINGS[1:]:
        try:
            score = vietnamese_score(decode_as(sample, encoding))
        except UnicodeDecodeError:
            continue
        if score > best_score:
            best, best_score = encoding, score
    return best


@dataclass(frozen=True)
class Guess:
    """What a file's bytes most likely are. `sure` is False when the bytes fit no encoding
    well — then `stray_lines` are the lines that break UTF-8 in an otherwise UTF-8 file,
    and `scores` how Vietnamese each legacy reading looked (0–1, share of good syllables)."""

    encoding: str | None
    sure: bool = True
    stray_lines: tuple[int, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()


# A legacy reading is trusted when this share of its accented words are Vietnamese
# syllables, and the runner-up is clearly worse.
LEGACY_SURE = 0.8
LEGACY_MARGIN = 0.15
# A file whose non-ASCII bytes are this much valid UTF-8 is UTF-8 with stray bytes, never
# a legacy encoding (whose bytes almost never form UTF-8 sequences by chance).
UTF8_SHARE = 0.9


def _legacy_share(text: str) -> float:
    """The share of non-ASCII words that are Vietnamese syllables."""
    good = bad = 0
    for word in _TOKEN.findall(text[:200_000]):
        if word.isascii():
            continue
        ok, _marked = _syllable_ok(word)
        good, bad = good + ok, bad + (not ok)
    return good / (good + bad) if good + bad else 0.0


def _utf8_share(sample: bytes) -> tuple[float, list[int]]:
    """The share of non-ASCII bytes that belong to valid UTF-8 sequences, and the lines
    (from 1) holding the others."""
    non_ascii = sum(b >= 0x80 for b in sample)
    if not non_ascii:
        return 1.0, []
    invalid, lines, position = 0, [], 0
    while position < len(sample):
        try:
            sample[position:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            start = position + exc.start
            end = position + exc.end
            invalid += end - start
            line = sample.count(b"\n", 0, start) + 1
            if not lines or lines[-1] != line:
                lines.append(line)
            position = end
    return 1 - invalid / non_ascii, lines


def assess(sample: bytes, *, complete: bool = True) -> Guess:
    """The encoding of a text file from its first bytes (`complete`: the sample is the whole
    file), with how sure the reading is. None when it is not text at all (NUL bytes: a
    workbook, an image). UTF-16 is recognised by its byte-order mark, as Excel's "Unicode
    text" writes it."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Guess("utf-16")
    if b"\x00" in sample:
        return Guess(None)
    if not complete:  # the sample may end inside a character
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    share, stray = _utf8_share(sample)
    if not stray:
        return Guess("utf-8")
    if share >= UTF8_SHARE:
        return Guess("utf-8", sure=False, stray_lines=tuple(stray[:100]))
    scores = []
    for encoding in ENCODINGS[1:]:
        try:
            scores.append((encoding, round(_legacy_share(decode_as(sample, encoding)), 3)))
        except UnicodeDecodeError:
            continue
    scores.sort(key=lambda pair: -pair[1])
    best, best_share = scores[0] if scores else ("cp1258", 0.0)
    runner_up = scores[1][1] if len(scores) > 1 else 0.0
    sure = best_share >= LEGACY_SURE and best_share - runner_up >= LEGACY_MARGIN
    if not sure:  # the classic scorer decides between close readings
        best = detect(sample)
        sure = best_share >= LEGACY_SURE and dict(scores).get(best, 0) >= LEGACY_SURE
    return Guess(best, sure=sure, scores=tuple(scores))


def sniff(sample: bytes, *, complete: bool = True) -> str | None:
    """The most likely encoding of a text file's first bytes (see `assess`)."""
    return assess(sample, complete=complete).encoding


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used): `data` as Unicode (NFC)."""
    encoding = encoding or detect(data)
    return decode_as(data, encoding), encoding


def fix_text(text: str) -> str:
    """Text that a legacy font's file left as Windows-1252 characters, repaired; any
    other text is returned as it is."""
    if text.isascii():
        return text
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        return text  # real Unicode Vietnamese (ạ, ơ, … are not in Windows-1252)
    best, best_score = text, vietnamese_score(text)
    for encoding in ("vni", "tcvn3"):
        candidate = decode_as(raw, encoding)
        score = vietnamese_score(candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best


_VNI_MARK_OF = {frozenset(v): k for k, v in _VNI_MARKS.items() if k.islower()}
_VNI_LETTER_OF = {v: k for k, v in _VNI_LETTERS.items()}
_HORN = "\u031b"


def _vni_encode(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _VNI_LETTER_OF:
            out.append(_VNI_LETTER_OF[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], set(decomposed[1:])
        if not marks or ch in "ìíÌÍ":  # plain letters, and ì í, which VNI keeps as they are
            out.append(ch)
            continue
        if _HORN in marks:
            base = _VNI_LETTER_OF[unicodedata.normalize("NFC", base + _HORN)]
            marks.discard(_HORN)
        if marks:
            mark = _VNI_MARK_OF[frozenset(marks)]
            base += mark.upper() if base.isupper() else mark
        out.append(base)
    return "".join(out).encode("cp1252")


def encode_as(text: str, encoding: str) -> bytes:
    """`text` in one of ENCODINGS (for tests, and for exports to systems that still need a
    legacy encoding); UnicodeEncodeError for characters the encoding lacks."""
    if encoding == "utf-8":
        return text.encode("utf-8")
    if encoding == "vni":
        return _vni_encode(text)
    if encoding in ("tcvn3", "viscii"):
        table = TCVN3 if encoding == "tcvn3" else VISCII
        inverse = {c: i for i, c in enumerate(table) if i >= 0x20 or c.isprintable() or c.isspace()}
        try:
            return bytes(inverse[c] for c in unicodedata.normalize("NFC", text))
        except KeyError as exc:
            raise UnicodeEncodeError(encoding, text, 0, 1, f"no {exc.args[0]!r}") from exc
    if encoding == "cp1258":
        # Windows-1258 has few precomposed letters: tones go as combining marks.
        return _cp1258(text)
    raise ValueError(f"unknown encoding {encoding!r}")


def _cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in _TONES)
            letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            out += (letter + tones).encode("cp1258")
    return bytes(out)
