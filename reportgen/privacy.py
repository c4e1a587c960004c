"""Personal data and publication: the one path every text takes before it reaches a document.

* CPR numbers (``DDMMYY-SSSS`` or ``DDMMYYSSSS`` with a valid date; no modulus-11 check, since numbers issued
  since 2007 need not pass it) are masked and the finding is recorded with where it was found, never the number.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[-\s]?(\d{4})(?!\d)")
CPR_MASK = "******-****"


def is_cpr(digits: str) -> bool:
    """Whether ten digits form a CPR number with a valid date of birth (format and date only)."""
    from stdnum.dk import cpr
    from stdnum.exceptions import ValidationError

    try:
        cpr.get_birth_date(digits)
    except (ValidationError, ValueError):
        return False
    return True


@dataclass
class PrivacyGuard:
    """Masks CPR numbers in text and keeps a record of where they were found."""

    findings: list[dict[str, str]] = field(default_factory=list)

    def text(self, value: Any, where: str) -> str:
        """The text as it may appear in a public document."""
        if value is None:
            return ""
        s = str(value)

        def mask(m: re.Match[str]) -> str:
            if is_cpr(m.group(1) + m.group(2)):
                self.findings.append({"where": where, "what": "CPR-nummer maskeret"})
                log.warning("masked a CPR number in %s", where)
                return CPR_MASK
            return m.group(0)

        return CPR_PATTERN.sub(mask, s)
