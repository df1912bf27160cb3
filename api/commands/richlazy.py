"""rich's Console and Table, imported when a command first prints a table (not at start:
``jixiao serve`` never does, and rich costs ~0.1 s to import)."""
from __future__ import annotations

from typing import Any


def Console(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 — stands for the class
    from rich.console import Console as cls

    return cls(*args, **kwargs)


def Table(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 — stands for the class
    from rich.table import Table as cls

    return cls(*args, **kwargs)
