"""Pages drawn as PDF files in Vietnamese, for every app that prints one.

The font is Be Vietnam Pro from its PyPI packaging (fontpkg-be-vietnam-pro, SIL OFL 1.1),
loaded with @font-face from the package's own files under a family name no system font
has, so diacritics render the same on any server, fonts installed or not.
"""

from __future__ import annotations

from pathlib import Path

FONT_FAMILY = "Tinh So Be Vietnam Pro"


def font_files() -> dict[int, Path]:
    """The packaged font's files by weight."""
    import fontpkg_be_vietnam_pro

    folder = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
    return {
        400: folder / "BeVietnamPro-Regular.ttf",
        600: folder / "BeVietnamPro-SemiBold.ttf",
        700: folder / "BeVietnamPro-Bold.ttf",
    }


def font_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
        f'src: url("{path.as_uri()}") format("truetype"); }}'
        for weight, path in font_files().items()
    )


def css_string(text: str) -> str:
    """`text` as the inside of a CSS string in a <style> element."""
    return text.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")


def pdf(page: str) -> bytes:
    """An HTML page (with `font_css()` in its style) laid out by WeasyPrint."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML(string=page).write_pdf(font_config=FontConfiguration())
