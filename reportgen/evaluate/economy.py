"""Economy aggregates: spending and grant counts per initiative and month, from the postings the readers return.

Aggregates only: no posting-level row leaves this module. Observations made here have the source ``økonomi`` and
the indicators ``forbrug`` (kr.), ``posteringer`` (postings) and ``economy_count:<criterion id>`` (grants on a
criterion's accounts).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportgen.domain.accounts import normalise_account
from reportgen.domain.observations import observations_frame
from reportgen.plan import EconomyCountCriterion, Plan

if TYPE_CHECKING:
    import pandas as pd

ECONOMY_SOURCE = "økonomi"


def filter_mask(postings: pd.DataFrame, projects: list[str], accounts: list[str]) -> pd.Series:
    """Postings matching any of the projects or any account prefix."""
    import pandas as pd

    mask = pd.Series(False, index=postings.index)
    if projects:
        mask |= postings["projekt"].str.casefold().isin([p.casefold() for p in projects])
    for account in accounts:
        mask |= postings["konto"].str.startswith(normalise_account(account))
    return mask


def economy_observations(postings: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Spending per initiative and month (``forbrug``, kr.) and posting/grant counts (``posteringer``, ``antal``).

    One grouped pass over the postings (per account, project and month: sums of øre, postings and grants); each
    initiative's filter then selects among those groups, whose accounts and projects decide it, never among the
    postings themselves. Aggregates only: no posting-level rows leave this function.
    """
    rows: list[dict[str, Any]] = []
    if postings.empty:
        return observations_frame()
    groups = monthly_groups(postings)
    for initiative in plan.initiatives:
        if initiative.economy is None:
            continue
        selected = groups[filter_mask(groups, initiative.economy.projects, initiative.economy.accounts)]
        if selected.empty:
            continue
        by_month = selected.groupby("month")[["oere", "n"]].sum()
        for key, oere in by_month["oere"].items():
            rows.append(_obs("forbrug", _month_code(key), kroner(int(oere)), "kr", initiative.id, plan))
        for key, n in by_month["n"].items():
            rows.append(_obs("posteringer", _month_code(key), n, "antal", initiative.id, plan))
    for initiative in plan.initiatives:
        for criterion in initiative.criteria:
            if not isinstance(criterion, EconomyCountCriterion):
                continue
            selected = groups[filter_mask(groups, [], criterion.accounts)]
            for key, n in selected.groupby("month")["grants"].sum().items():
                rows.append(_obs(f"economy_count:{criterion.id}", _month_code(key), n, "antal", initiative.id, plan))
    return observations_frame(rows)


def monthly_groups(postings: pd.DataFrame) -> pd.DataFrame:
    """The postings summed per account, project and month (201903): ``oere`` (exact), ``n`` (postings) and
    ``grants`` (``grant_counts``). Postings without a date are in no month."""
    import pandas as pd

    dato = postings["dato"]
    keys = pd.DataFrame(
        {
            "konto": postings["konto"].astype("category"),
            "projekt": postings["projekt"].astype("category"),
            "month": dato.dt.year * 100 + dato.dt.month,
            "oere": postings["oere"].astype("int64"),
            "grants": grant_counts(postings),
        }
    )
    grouped = keys.groupby(["konto", "projekt", "month"], observed=True, sort=False)
    sums = grouped.agg(oere=("oere", "sum"), n=("oere", "size"), grants=("grants", "sum")).reset_index()
    for column in ("konto", "projekt"):
        sums[column] = sums[column].astype(str)
    return sums


def kroner(oere: int) -> float:
    """An exact sum in øre as the kroner value the observations table stores. The float is the nearest double to the
    decimal amount, and reads back (``reportgen.domain.numbers.to_decimal``) as exactly that amount for every sum
    below 10^13 kr."""
    return float(Decimal(oere) / 100)


def _month_code(key: Any) -> str:
    """201903 -> "2019M03" (the canonical month period)."""
    return f"{int(key) // 100}M{int(key) % 100:02d}"


def grant_counts(postings: pd.DataFrame) -> pd.Series:
    """Grants per posting: the ``antal`` column where the export has it, else one per posting with a reversal
    (negative amount) cancelling one."""
    import numpy as np
    import pandas as pd

    fallback = pd.Series(np.sign(postings["oere"].to_numpy()), index=postings.index)
    return postings["antal"].astype("float64").fillna(fallback)


def _obs(indicator: str, period: str, value: float, unit: str, initiative: str, plan: Plan) -> dict[str, Any]:
    return {
        "source": ECONOMY_SOURCE,
        "indicator": indicator,
        "area": plan.municipality_code,
        "period": period,
        "value": float(value),
        "unit": unit,
        "initiative": initiative,
        "label": None,
        "comment": None,
    }
