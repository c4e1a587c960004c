"""Publishing built packs: render every pack into a staging folder (PDFs too, if asked), describe them in a new
``manifest.json`` and move everything into place through the output folder's journal."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.config import Config
from reportgen.domain.packs import PackSpec
from reportgen.evaluate import InitiativeResult
from reportgen.outputs import SCHEMA_VERSION, Manifest, Staging, archive_stamp, output_lock, sha256_of
from reportgen.pipeline.building import BuildOptions, BuiltPack, Contexts, Progress, RunResult, summary
from reportgen.pipeline.inputs import Inputs, relative_to

log = logging.getLogger("reportgen.pipeline")


def publish(
    config: Config,
    inputs: Inputs,
    contexts: Contexts,
    *,
    root: Path,
    now: dt.datetime,
    options: BuildOptions,
    progress: Progress | None = None,
) -> RunResult:
    """Render every pack into a staging folder, convert to PDF if asked, move them into place, write the manifest.
    Holds the output folder's lock throughout; a failure before the journal is written leaves nothing behind."""
    warnings = contexts.warnings
    with output_lock(root, options.command):
        staging = Staging(root)
        try:
            built: list[BuiltPack] = []
            for spec, context in contexts.packs:
                if progress:
                    progress(len(built), len(contexts.packs))
                built.append(_render(config, staging, root, spec, context, options, warnings))
            stamp = archive_stamp(now)
            archived = staging.plan_archive(stamp)
            manifest = _manifest(config, inputs, contexts, built, staging, archived, now, options.command)
            log.info("publishing %d packs in %s", len(built), root)
            manifest_path = staging.publish(manifest.dumps(), archived, stamp)
        except BaseException:
            staging.discard()
            raise
    warnings += [f"{finding['where']}: {finding['what']}" for finding in contexts.guard.findings]
    return RunResult(built, manifest_path, warnings, archived)


def _render(
    config: Config,
    staging: Staging,
    root: Path,
    spec: PackSpec,
    context: dict[str, Any],
    options: BuildOptions,
    warnings: list[str],
) -> BuiltPack:
    """One pack's Word report and Excel appendix (and PDFs) in its staging folder."""
    from reportgen.render.excel import render_excel
    from reportgen.render.word import render_word

    log.info("rendering %s", spec.label)
    folder = staging.folder(spec.folder)
    word_name, excel_name = spec.file_names()
    word_key = "annual" if spec.kind == "annual" else "status"
    excel_key = "annual_appendix" if spec.kind == "annual" else "appendix"
    render_word(config.template(word_key), context, folder / word_name, config.template_display(word_key))
    warnings += render_excel(
        config.template(excel_key), context, folder / excel_name, config.template_display(excel_key)
    )
    names = [word_name, excel_name]
    if options.pdf or options.pdf_appendix:
        from reportgen.render.pdf import convert_to_pdf

        sources = [folder / word_name] + ([folder / excel_name] if options.pdf_appendix else [])
        names += [p.name for p in convert_to_pdf(sources, warnings)]
    return BuiltPack(spec, root / spec.folder, [root / spec.folder / n for n in names], summary(context))


def _manifest(
    config: Config,
    inputs: Inputs,
    contexts: Contexts,
    built: list[BuiltPack],
    staging: Staging,
    archived: dict[str, str],
    now: dt.datetime,
    command: str,
) -> Manifest:
    """The manifest of this run, every text in it through the privacy gate (file names, titles, messages)."""
    by_folder = {spec.folder: context for spec, context in contexts.packs}
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": "reportgen",
        "version": __version__,
        "created": now.isoformat(timespec="seconds"),
        "command": command,
        "config": {"path": str(config.path), "sha256": sha256_of(config.path)},
        "plan": {
            "path": relative_to(config.plan_path, config.base),
            "sha256": sha256_of(config.plan_path),
            "title": inputs.plan.title,
            "municipality": inputs.plan.municipality_code,
        },
        "inputs": inputs.sources,
        "packs": [_pack_record(b, staging.path / b.spec.folder, by_folder[b.spec.folder]) for b in built],
        "results": _results(contexts.evaluated.results),
        "archived": archived,
        "warnings": contexts.warnings,
        "emails": [],
    }
    scrubbed = contexts.guard.scrub(data, "manifest.json")
    scrubbed["privacy"] = {"findings": contexts.guard.findings, "min_count": config.model.privacy.min_count}
    return Manifest.from_data(scrubbed, "manifest.json")


def _pack_record(pack: BuiltPack, staged: Path, context: dict[str, Any]) -> dict[str, Any]:
    spec = pack.spec
    return {
        "folder": spec.folder,
        "kind": spec.kind,
        "committee": spec.committee,
        "meeting": spec.meeting,
        "year": spec.year,
        "as_of": spec.as_of,
        "unscheduled": spec.unscheduled,
        "sample": bool(context.get("sample")),
        "files": [{"name": p.name, "sha256": sha256_of(p)} for p in sorted(staged.iterdir())],
        "results": pack.summary,
        "criteria": [
            {"id": c["id"], "status": c["status"], "actual_text": c["actual_text"]}
            for i in context["initiatives"]
            for c in i["criteria"]
        ],
    }


def _results(evaluated: dict[dt.date, list[InitiativeResult]]) -> list[dict[str, Any]]:
    return [
        {
            "as_of": as_of,
            "initiative": r.initiative.id,
            "status": r.status,
            "criteria": [c.as_dict() for c in r.criteria],
        }
        for as_of, results in evaluated.items()
        for r in results
    ]
