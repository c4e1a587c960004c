"""``reportgen validate`` and the checks a run makes of the machine before it writes anything."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reportgen.config import Config
from reportgen.domain.packs import PackSpec
from reportgen.errors import InputError, Problem, ProblemLog, TemplateError
from reportgen.evaluate import evaluate
from reportgen.pipeline.inputs import Inputs, read_inputs
from reportgen.plan import Plan
from reportgen.privacy import PrivacyGuard
from reportgen.render.context import build_context


def check_environment(config: Config, problems: ProblemLog) -> None:
    """What a run needs of the machine, checked before anything is written: every template is a file, and the
    output folder is a folder this user can write in (or can be made)."""
    for name in ("status", "appendix", "annual", "annual_appendix"):
        template = config.template(name)
        if not template.is_file():
            problems.error(
                config.template_display(name), "template not found", "a template file; see templates/README.md"
            )
    folder = config.output_dir
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    shown = config.display(folder)
    if not existing.is_dir():
        problems.error(shown, f"{config.display(existing)} is a file, not a folder", "a folder for the packs")
    elif not os.access(existing, os.W_OK | os.X_OK):
        problems.error(shown, f"no permission to write in {config.display(existing)}", "a folder this user can write")


def validate(config: Config, *, plan: Plan | None = None) -> list[Problem]:
    """Every problem with the config, plan, inputs and templates (errors and warnings); writes nothing the user
    sees (the templates are tried in a scratch folder that is removed). ``plan``: the config's plan, already loaded
    (None: loaded here, its problems listed with the others)."""
    problems = ProblemLog()
    try:
        inputs = read_inputs(config, problems, plan=plan)
    except InputError as exc:
        for p in exc.problems:
            if p not in problems.problems:
                problems.add(p)
        return problems.problems
    check_environment(config, problems)
    for sample in inputs.sample_files:
        problems.warning(
            sample,
            "sample data (EKSEMPELDATA): packs built while it is an input say so on every page and are never sent",
            "your own data in its place, and the sample file deleted",
        )
    if not problems.errors:
        check_templates(config, inputs, problems)
    return problems.problems


def check_templates(config: Config, inputs: Inputs, problems: ProblemLog) -> None:
    """Render every template once, with the plan's real figures, into a scratch folder: a template that is missing,
    broken or names an unknown variable is an error naming it; what openpyxl cannot keep is a warning."""
    plan = inputs.plan
    end = plan.period.end
    committee = PackSpec("committee", as_of=end, committee=next(iter(plan.committees)), meeting=end)
    annual = PackSpec("annual", as_of=end, year=end.year)
    observations = inputs.observations(end)
    results = evaluate(plan, observations, end, has_economy=inputs.has_economy)
    with tempfile.TemporaryDirectory(prefix="reportgen-validate-") as scratch:
        for spec, word_key, excel_key in ((committee, "status", "appendix"), (annual, "annual", "annual_appendix")):
            context = build_context(
                plan, results, observations, spec, inputs.sources, PrivacyGuard(), generated=config.now()
            )
            _try_templates(config, context, Path(scratch), (word_key, excel_key), problems)


def _try_templates(
    config: Config, context: dict[str, object], scratch: Path, keys: tuple[str, str], problems: ProblemLog
) -> None:
    from reportgen.render.excel import render_excel
    from reportgen.render.word import render_word

    word_key, excel_key = keys
    try:
        render_word(config.template(word_key), context, scratch / "x.docx", config.template_display(word_key))
    except TemplateError as exc:
        for problem in exc.problems:
            problems.add(problem)
    try:
        shown = config.template_display(excel_key)
        for warning in render_excel(config.template(excel_key), context, scratch / "x.xlsx", shown):
            problems.warning(shown, warning.removeprefix(f"{shown}: "), "a template reportgen can fill")
    except TemplateError as exc:
        for problem in exc.problems:
            problems.add(problem)
