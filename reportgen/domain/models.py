"""The base of every model validated from a file staff write (the plan's YAML, ``reportgen.toml``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are errors (never silently ignored) and a validated model is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
