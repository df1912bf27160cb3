"""The 机关代字 registry: issuer code of a document number → issuing body (data file, not code)."""
from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def registry() -> dict[str, tuple[str, str]]:
    """{code: (issuing body, level)} from ``ingest/data/issuers.tsv``."""
    text = resources.files("ingest").joinpath("data/issuers.tsv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, issuer, level = (line.split("\t") + ["", ""])[:3]
        out[code.strip()] = (issuer.strip(), level.strip())
    return out


def lookup(code: str | None) -> tuple[str, str] | None:
    """Issuing body and level for an issuer code, or None when the code is not known."""
    if not code:
        return None
    return registry().get(code)


def known_codes() -> frozenset[str]:
    return frozenset(registry())
