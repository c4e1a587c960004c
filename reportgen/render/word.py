"""Word status reports rendered from a staff-editable docxtpl template.

The template is rendered in a sandboxed jinja2 environment with autoescaping (so ``&`` and ``<`` in names survive and
no value can inject XML) and ``StrictUndefined`` (a template naming an unknown variable is an error that says which).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError
from reportgen.render.formatting import FILTERS


def jinja_environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env


def render_word(template: Path, context: dict[str, Any], target: Path, display: str) -> None:
    """Render ``template`` with ``context`` into ``target`` (the caller makes the write atomic)."""
    import zipfile

    import jinja2
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise TemplateError.at(display, "template not found", "a .docx template; see templates/README.md")
    doc = DocxTemplate(str(template))
    try:
        doc.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, PackageNotFoundError) as exc:
        raise TemplateError.at(
            display,
            f"cannot read the template ({type(exc).__name__}: {exc})",
            "a .docx file saved by Word or LibreOffice",
        ) from None
    try:
        doc.render(context, jinja_env=jinja_environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError.at(
            display, f"the template uses an unknown variable: {exc.message}", "a variable listed in templates/README.md"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError.at(
            display, f"template syntax error: {exc.message}", "valid jinja2 tags (see templates/README.md)"
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError.at(
            display,
            f"the template tried something not allowed: {exc}",
            "plain variables, filters, loops and conditions",
        ) from None
    doc.save(str(target))
