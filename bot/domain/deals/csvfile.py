"""A CSV file as the vendor's system of record: what ``partnerbot deals import`` reads and
``partnerbot deals export`` writes.

Reading: UTF-8 (a spreadsheet's byte-order mark is fine), comma-separated (semicolons or tabs
too, as some spreadsheets save), a header row naming the columns in any order (case and
spaces don't matter). A column partnerbot doesn't know stops the import before any change, so
a misspelt one ("ammount") is never silently ignored. Rows are numbered as a spreadsheet
shows them: the header is row 1.

Writing: the columns in the order of ``bot.domain.deals.crm.COLUMNS``, UTF-8 with a
byte-order mark (so spreadsheets read accents right) to a file, written whole or not at all.
Text that a spreadsheet would run as a formula is written with a leading ``'`` (as in the
records export), which reading the file back takes off again.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from bot.domain.deals.crm import COLUMNS, EXPORT_ONLY, Opportunity, SourceError
from bot.domain.kpis.export import neutralized

STDIO = "-"
DELIMITERS = ",;\t"
# Columns an import needs: something to match a row by.
IDENTITY = ("crm_id", "registration")


def header_name(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def restored(text: str) -> str:
    """A cell as it was before an export neutralized it (``'=x`` back to ``=x``)."""
    if text.startswith("'") and neutralized(text[1:]) == text:
        return text[1:]
    return text


class CsvFile:
    """A CSV file of opportunities (``-``: standard input or output)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def _text(self) -> str:
        try:
            data = sys.stdin.buffer.read() if self.path == STDIO else Path(self.path).read_bytes()
        except FileNotFoundError:
            raise SourceError(f"There is no file {self.path}.") from None
        except OSError as exc:
            raise SourceError(f"Can't read {self.path}: {exc.strerror}.") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{self.path} isn't UTF-8 text (byte {exc.start + 1}): in a spreadsheet, save it "
                "as “CSV UTF-8”."
            ) from None

    def read(self) -> Iterator[Opportunity]:
        text = self._text()
        first = text.split("\n", 1)[0]
        delimiter = max(DELIMITERS, key=first.count) if first.strip() else ","
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = [header_name(h) for h in next(records, [])]
        except csv.Error as exc:
            raise SourceError(f"Row 1 (the header) can't be read: {exc}.") from None
        known = set(COLUMNS) | set(EXPORT_ONLY)
        unknown = [h for h in header if h not in known]
        if not any(header):
            raise SourceError(
                f"{self.path} is empty: it needs a header row naming its columns "
                f"({', '.join(COLUMNS)})."
            )
        if unknown:
            raise SourceError(
                f"Column {', '.join(repr(h) for h in unknown[:5])} is not one partnerbot reads; "
                f"the columns are {', '.join(COLUMNS)}."
            )
        doubled = sorted({h for h in header if header.count(h) > 1})
        if doubled:
            raise SourceError(f"Column {', '.join(doubled)} appears twice in the header.")
        if not set(IDENTITY) & set(header):
            raise SourceError(
                "The file needs a crm_id column (the CRM's opportunity id) to match rows by."
            )
        return self._rows(records, header)

    def _rows(self, records: Iterator[list[str]], header: list[str]) -> Iterator[Opportunity]:
        number = 1
        while True:
            try:
                cells = next(records)
            except StopIteration:
                return
            except csv.Error as exc:
                raise SourceError(f"Row {number + 1} can't be read: {exc}.") from None
            number += 1
            if not any(c.strip() for c in cells):
                continue  # a blank line
            values = {
                name: restored(cell) if cell.strip() else None
                for name, cell in zip(header, cells, strict=False)
            }
            problem = None
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                problem = (
                    f"it has {len(cells)} cells but the header names {len(header)} columns (a "
                    "comma in a value that isn't in quotes?)."
                )
            yield Opportunity(where=f"row {number}", problem=problem, **values)

    def write(self, opportunities: Iterable[Opportunity]) -> int:
        header = [*COLUMNS, *EXPORT_ONLY]
        if self.path == STDIO:
            return _write(sys.stdout, header, opportunities)
        target = Path(self.path)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
                count = _write(out, header, opportunities)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return count


def _write(out: IO[str], header: list[str], rows: Iterable[Opportunity]) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        values = row.values()
        writer.writerow([neutralized(values[name] or "") for name in header])
        count += 1
    return count
