"""IRIs ↔ page URLs. Instance IRIs live under the base (``https://w3id.org/jixiao/id/``);
a page's URL carries the rest of the IRI, so every resource has one stable address here."""
from __future__ import annotations

import re
from urllib.parse import quote

DEFAULT_BASE = "https://w3id.org/jixiao/id/"


class Links:
    def __init__(self, base_iri: str | None = None) -> None:
        self.base = base_iri or DEFAULT_BASE

    def key(self, iri: str) -> str:
        """The URL path for an IRI: the part after the base (or ``~`` + the whole IRI when it
        lives elsewhere). Minted IRIs carry their own ``%`` escapes (``doc/%E6%B2%AA…``): those
        stay as they are, so the browser shows 沪委办发〔2018〕12号 and the URL is encoded once;
        only an escaped ``%`` or ``/`` (which would not survive the server's one decoding) is
        escaped again."""
        if iri.startswith(self.base):
            tail = quote(iri[len(self.base):], safe="/-_.~%")
            return re.sub(r"%(25|2[Ff])", r"%25\1", tail)
        return "~" + quote(iri, safe="/:")

    def iri(self, key: str) -> str:
        """Inverse of :meth:`key` for a path parameter (the server has decoded the URL once):
        characters the minter escapes are escaped again, escapes already there are kept (so
        the twice-encoded links of earlier versions still resolve)."""
        if key.startswith("~"):
            return key[1:]
        return self.base + quote(key, safe="/-_.~%")

    def project(self, iri: str | None) -> str | None:
        return f"/projects/{self.key(iri)}" if iri else None

    def document(self, iri: str | None) -> str | None:
        return f"/documents/{self.key(iri)}" if iri else None

    def local(self, iri: str) -> str | None:
        """``/id/…`` for an instance IRI (it redirects to the right page), else None."""
        return f"/id/{self.key(iri)}" if iri.startswith(self.base) else None

    def href(self, iri: str | None) -> str | None:
        """Where a link to an IRI may point: its page here, or the IRI itself when it is an
        http(s) address — never ``javascript:``, ``data:`` or any other scheme."""
        if not iri:
            return None
        return self.local(iri) or safe_url(iri)

    def indicator(self, iri: str | None) -> str | None:
        return f"/indicators/{self.key(iri)}" if iri else None


def safe_url(url: str | None) -> str | None:
    """``url`` when a page may link it (http, https, or a path on this site), else None."""
    if not url:
        return None
    text = url.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")) or (text.startswith("/") and not text.startswith("//")):
        return text
    return None
