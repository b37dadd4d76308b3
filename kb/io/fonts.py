"""A font that renders Chinese in every picture the project draws.

mplfonts ships Noto Sans CJK SC inside its wheel, so PNGs show 北京 rather
than boxes on any machine, without system packages.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register the CJK font with matplotlib, make it the default sans-serif,
    and return its family name."""
    import matplotlib
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def font_path() -> Path:
    """The font file mplfonts ships."""
    import mplfonts
    return Path(mplfonts.__file__).parent / "fonts" / FONT_FILE


WEB_FAMILY = "RegKB CJK"
_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))


@lru_cache(maxsize=64)
def _subset_woff(chars: str) -> bytes:
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"          # zlib only: no brotli dependency for WOFF2
    options.hinting = False
    options.desubroutinize = True
    font = TTFont(str(font_path()), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_face_css(text: str, family: str = WEB_FAMILY) -> str:
    """An ``@font-face`` rule embedding the CJK font cut down to the characters
    of ``text``, so a page or report renders Chinese with no system font and no
    network. Subsetting takes about a second per distinct character set
    (cached), and a page of a few hundred characters embeds about 150 KB."""
    import base64

    chars = "".join(sorted(set(text) | set(_ASCII)))
    data = base64.b64encode(_subset_woff(chars)).decode("ascii")
    return (f"@font-face {{ font-family: '{family}'; "
            f"src: url(data:font/woff;base64,{data}) format('woff'); }}")
