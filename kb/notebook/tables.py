"""How the notebook API's answers show in Jupyter: captioned tables with every
cell in full, PNG pictures, and the small helpers the views share (a
citation's label, a condition's short name and words). Display only.
"""
from __future__ import annotations

import html
import io
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from kb.law.model import CITY_LABEL, Citation, Node

CITY = CITY_LABEL
STATUSES = ("qualifies", "undetermined", "fails")
STATUS_COLOUR = {"qualifies": "#3a8f4b", "undetermined": "#c9a227", "fails": "#b5302a"}


_CSS = ("<style>.regkb td,.regkb th{text-align:left!important;vertical-align:top;"
        "white-space:pre-wrap;max-width:40em}</style>")


class Table(pd.DataFrame):
    """A DataFrame that shows as a captioned table, every cell in full."""
    _metadata = ["caption", "note"]

    @property
    def _constructor(self):
        return Table

    def _repr_html_(self) -> str:
        return block(None, None, [self])


def table(rows: list[dict] | pd.DataFrame, caption: str | None = None, note: str | None = None,
          columns: list[str] | None = None) -> Table:
    out = Table(rows, columns=columns) if not isinstance(rows, pd.DataFrame) else Table(rows)
    out.caption, out.note = caption, note
    return out


def frame_html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p><i>(none)</i></p>"
    named = df.index.name is not None or isinstance(df.index, pd.MultiIndex)   # a pivot's rows, not 0..n
    # pandas' own escaping shows a cell's line breaks as a literal "\n"; escape
    # each cell here and keep its lines as <br>.
    def cell(value):
        return html.escape(value).replace("\n", "<br>") if isinstance(value, str) else value
    shown = pd.DataFrame(df).map(cell)
    shown.columns = [cell(c) if isinstance(c, str) else c for c in shown.columns]
    if named and not isinstance(shown.index, pd.MultiIndex):
        shown.index = [cell(i) if isinstance(i, str) else i for i in shown.index]
        shown.index.name = cell(df.index.name) if isinstance(df.index.name, str) else df.index.name
    return shown.to_html(index=named, escape=False, na_rep="", border=0, classes="regkb")


def block(title: str | None, note: str | None, frames: list, heading: str = "h4") -> str:
    out = [_CSS]
    if title:
        out.append(f"<{heading}>{html.escape(title)}</{heading}>")
    if note:
        out.append(f"<p>{html.escape(note)}</p>")
    for f in frames:
        if isinstance(f, str):
            out.append(f"<p>{html.escape(f)}</p>")
        elif isinstance(f, Table) and getattr(f, "caption", None):
            note = getattr(f, "note", None)
            out.append(f"<p><b>{html.escape(f.caption)}</b>"
                       + (f"<br>{html.escape(note)}" if note else "") + "</p>" + frame_html(f))
        else:
            out.append(frame_html(f))
    return "\n".join(out)


class Picture:
    """A PNG that shows itself in Jupyter; ``.png`` the bytes, ``.save(path)``."""

    def __init__(self, png: bytes):
        self.png = png

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: str | Path) -> Path:
        from kb.io.outputs import atomic_write   # all or nothing, the umask's permissions
        return atomic_write(path, self.png)


@contextmanager
def keep_backend():
    """The drawing modules select Agg for files; give Jupyter its own backend back."""
    import matplotlib
    import matplotlib.pyplot as plt
    before = matplotlib.get_backend()
    plt.switch_backend(before)   # load it now, so Jupyter's inline backend hooks in before Agg
    try:
        yield
    finally:
        if matplotlib.get_backend() != before:
            matplotlib.use(before)


def new_figure(width: float, height: float):
    from matplotlib.figure import Figure
    from kb.io.fonts import use_cjk_font
    use_cjk_font()
    return Figure(figsize=(width, height), dpi=110)


def picture_of(fig) -> Picture:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return Picture(buf.getvalue())


def cite(c: Citation | dict) -> str:
    """第五条（七） for a citation or its JSON."""
    return (c if isinstance(c, Citation) else Citation(**{k: c[k] for k in
            ("program", "article", "clause", "part", "inferred", "text")})).label()


def short(condition: str) -> str:
    return condition.split("/", 1)[-1]


def words(node: Node | None) -> str:
    if node is None:
        return ""
    return node.quote or node.citation.text


def cell_list(text: str) -> list[str]:
    """A list cell of kb.screening.screen's output (ids joined by kb.screening.results.SEP)."""
    from kb.screening.results import SEP
    return [x for x in text.split(SEP) if x] if text else []


def clip(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n] + "…"
