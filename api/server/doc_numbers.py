"""A document number as people type it → the canonical form the graph stores (``eli:id_local``).

沪委办发[2018]12号, 沪委办发（2018）12号, 沪委办发(2018)12号, full-width digits and stray spaces
all become 沪委办发〔2018〕12号. The reading is the ingest's own (``ingest.legal``), called and
not copied, so a lookup agrees with what the parser stored.
"""
from __future__ import annotations

import re

from ingest.legal import find_doc_numbers

_LEFTOVER = re.compile(r"[\s\"'“”‘’《》<>「」:：,，.。;；]*")


def canonical_doc_number(text: str) -> str | None:
    """The canonical number when ``text`` is one document number and nothing more, else None."""
    text = (text or "").strip()
    if not text or len(text) > 80:
        return None
    found = find_doc_numbers(text)
    if len(found) != 1:
        return None
    start, end, ref = found[0]
    rest = text[:start] + text[end:]
    return ref.doc_number if _LEFTOVER.fullmatch(rest) else None


def fields_citing(fields: dict[str, list[str]], number: str | None, title: str | None) -> list[str]:
    """The names of the table fields whose text cites the document ``number`` (canonical form,
    any written form in the text) or, for a document without a number, its 《title》."""
    found = []
    for name, values in fields.items():
        for value in values:
            if number and any(ref.doc_number == number for _, _, ref in find_doc_numbers(value)):
                found.append(name)
                break
            if not number and title and f"《{title}》" in value:
                found.append(name)
                break
    return found
