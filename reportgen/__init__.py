"""reportgen: follow-up reports for Danish municipal integration policy action plans."""

from __future__ import annotations

__version__ = "0.1.0"
