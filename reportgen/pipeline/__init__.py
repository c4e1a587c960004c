"""The library entry point: read, plan, evaluate, build, publish. The CLI only maps flags to these functions.

>>> from reportgen.config import load_config
>>> from reportgen.pipeline import run_packs
>>> config = load_config("reportgen.toml")
>>> result = run_packs(config, today=config.today(), committees=["AUU"], meeting=date(2020, 3, 10))

``inputs`` reads every input; ``planning`` chooses the packs; ``building`` evaluates and builds each pack's context;
``publishing`` renders and publishes them with their manifest; ``checking`` is ``validate``; ``collecting`` writes
the measurement sheets.
"""

from reportgen.pipeline.building import BuildOptions, BuiltPack, RunResult, build_packs, previous_pack, run_packs
from reportgen.pipeline.checking import check_environment, check_templates, validate
from reportgen.pipeline.collecting import collect_sheets
from reportgen.pipeline.inputs import (
    Inputs,
    input_hashes,
    load_plan_of,
    measurement_settings,
    read_inputs,
    read_measurement_sheet,
)
from reportgen.pipeline.planning import plan_packs

__all__ = [
    "BuildOptions",
    "BuiltPack",
    "Inputs",
    "RunResult",
    "build_packs",
    "check_environment",
    "check_templates",
    "collect_sheets",
    "input_hashes",
    "load_plan_of",
    "measurement_settings",
    "plan_packs",
    "previous_pack",
    "read_inputs",
    "read_measurement_sheet",
    "run_packs",
    "validate",
]
