"""Writing a screening's rows: one per organization and program, as CSV or Parquet.

Each program's result columns come factorized (kb/screening/results.py), so a
line's tail is built once per combination of labels, not once per row. The
file is staged and renamed at the end (kb.io.outputs.Staged), so an error
leaves no half-written file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from kb.io.errors import InputError
from kb.io.outputs import Staged
from kb.screening.results import factorize

OUTPUT_COLUMNS = ("org", "program", "status", "failed", "unknown", "missing", "discretion")


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _quote_all(texts: list[str]) -> list[str]:
    if not any(c in "".join(texts) for c in ',"\n\r'):   # the usual case: nothing to quote
        return texts
    return [_quote(t) for t in texts]


def _combine(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One code per row for several factorized columns, and the tuple of codes behind each."""
    code, first = factorize(codes)
    return code, np.column_stack([c[first] for c in codes])


class CsvOutput:
    def __init__(self, path: Path):
        self.path = path
        self.staged = Staged()   # all or nothing, the umask's permissions (kb/io/outputs.py)
        self.tmp = self.staged.path(path)
        self.file = open(self.tmp, "wb")
        self.file.write((",".join(OUTPUT_COLUMNS) + "\n").encode())

    def write(self, ids: np.ndarray, results: list[tuple[str, dict]]) -> None:
        if ids.size == 0:
            return
        orgs = np.asarray(_quote_all(ids.tolist()), dtype=object) + ","
        lines = np.empty(ids.size * len(results), dtype=object)
        names = OUTPUT_COLUMNS[2:]
        for p, (pid, cols) in enumerate(results):
            code, combos = _combine([cols[c].codes for c in names])
            quoted = [_quote_all(cols[c].labels) for c in names]
            tails = [",".join([pid] + [q[i] for q, i in zip(quoted, combo)]) + "\n" for combo in combos.tolist()]
            lines[p::len(results)] = orgs + np.asarray(tails, dtype=object)[code]
        lines = lines.tolist()
        for i in range(0, len(lines), 1 << 15):   # a few megabytes at a time
            self.file.write("".join(lines[i:i + (1 << 15)]).encode("utf-8"))

    def commit(self) -> None:
        self.file.close()
        self.staged.commit()

    def abort(self) -> None:
        self.file.close()
        self.staged.abort()


class ParquetOutput(CsvOutput):
    def __init__(self, path: Path):
        import importlib.util
        if importlib.util.find_spec("pyarrow") is None:
            raise InputError(path, None, "Parquet output needs pyarrow (pip install pyarrow); "
                                         "or write a .csv") from None
        self.path = path
        self.staged = Staged()
        self.tmp = self.staged.path(path)
        self.writer = None

    def write(self, ids: np.ndarray, results: list[tuple[str, dict]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        k = len(results)
        n = ids.size
        arrays = {"org": pa.array(np.repeat(ids, k).tolist(), type=pa.string()),
                  "program": pa.DictionaryArray.from_arrays(pa.array(np.tile(np.arange(k), n), type=pa.int32()),
                                                            pa.array([pid for pid, _ in results]))}
        for name in OUTPUT_COLUMNS[2:]:
            labels, offsets, codes = [], 0, np.empty(n * k, dtype=np.int32)
            for p, (_, cols) in enumerate(results):
                codes[p::k] = cols[name].codes + offsets
                labels += cols[name].labels
                offsets += len(cols[name].labels)
            arrays[name] = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32()),
                                                          pa.array(labels, type=pa.string()))
        table = pa.table(arrays)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, table.schema)
        self.writer.write_table(table)

    def commit(self) -> None:
        if self.writer is None:
            import pyarrow as pa
            import pyarrow.parquet as pq
            pq.write_table(pa.table({c: pa.array([], type=pa.string()) for c in OUTPUT_COLUMNS}), self.tmp)
        else:
            self.writer.close()
        self.staged.commit()

    def abort(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            self.staged.abort()


def output_for(path: Path):
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvOutput
    if suffix in (".parquet", ".pq"):
        return ParquetOutput
    raise InputError("--out", str(path), "expected a .csv or .parquet file name")
