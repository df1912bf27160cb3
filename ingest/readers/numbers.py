"""Spreadsheet values → the text the cell shows, through its number format.

A workbook stores 3.0 as the number 3 and 9,900,000 as 9900000; what the office wrote is
the display: ``0.0`` shows 3.0, ``#,##0`` shows 9,900,000, ``0%`` shows 95%, a date format
shows 2020-01-01. The interpretation reads the displayed text, as it reads a text export.
"""
from __future__ import annotations

import datetime as dt
import re

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _section(fmt: str, value: float) -> str:
    parts = fmt.split(";")
    if value < 0 and len(parts) > 1:
        return parts[1]
    if value == 0 and len(parts) > 2:
        return parts[2]
    return parts[0]


def format_number(value: float | int, fmt: str | None) -> str:
    """A number as its cell shows it (the common formats; others as General)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    f = _section(fmt or "General", float(value))
    bare = _QUOTED.sub("", f)
    if not fmt or fmt == "General" or not re.search(r"[0#?]", bare):
        return _general(value)
    percent = "%" in bare
    v = float(value) * (100 if percent else 1)
    if len(fmt.split(";")) > 1 and value < 0:
        v = abs(v)  # the negative section writes its own sign or brackets
    m = re.search(r"\.([0#?]+)", bare)
    decimals = len(m.group(1)) if m else 0
    grouping = "," in bare.split(".")[0]
    text = f"{v:,.{decimals}f}" if grouping else f"{v:.{decimals}f}"
    if m and set(m.group(1)) == {"#"}:  # optional decimals
        text = text.rstrip("0").rstrip(".")
    prefix = bare[: re.search(r"[0#?,.]", bare).start()].strip()  # type: ignore[union-attr]
    literal = re.findall(r'"([^"]*)"', f)
    out = text + ("%" if percent else "")
    if prefix in ("-", "(", "¥", "￥", "$"):
        out = prefix + out + (")" if prefix == "(" else "")
    if literal and f.rstrip().endswith('"'):
        out += literal[-1]
    return out


def _general(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def format_date(value: dt.datetime | dt.date | dt.time) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    return value.isoformat()
