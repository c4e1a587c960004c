"""Word status reports rendered from a staff-editable docxtpl template.

The template is rendered in a sandboxed jinja2 environment with autoescaping (so ``&`` and ``<`` in names survive and
no value can inject XML) and ``StrictUndefined`` (a template naming an unknown variable is an error that says which).
Charts in the context become pictures whose description is the chart's Danish alt text; the document's properties
(title, subject, author = the municipality, last modified by reportgen, language, created and modified = the run)
are set from the context, and ``reportgen.render.word_layout`` gives the text and tables their finish.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError, describe
from reportgen.render.charts import Chart
from reportgen.render.formatting import FILTERS
from reportgen.render.word_layout import finish

LANGUAGE = "da-DK"


def jinja_environment() -> Any:
    """A fresh environment for one render: sandboxed, strict and bounded (``reportgen.render.sandbox``)."""
    from reportgen.render.sandbox import BoundedEnvironment

    env = BoundedEnvironment(autoescape=True)
    env.filters.update(FILTERS)
    return env


RENDER_FAILURES = (TypeError, ValueError, ArithmeticError, LookupError, RecursionError)
"""What a template expression can raise while rendering (``{{ 1 / 0 }}``, ``{{ 'a' - 1 }}``): the template's fault,
reported naming it, never an internal error."""
LIMITS_EXPECTED = "a template within the limits of README.md (Templates): check its loops, macros and repeated texts"


def open_template(template: Path, display: str) -> Any:
    """The docxtpl template, or TemplateError naming the file when it is missing or not a Word document."""
    import zipfile

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
    return doc


def render_word(template: Path, context: dict[str, Any], target: Path, display: str) -> None:
    """Render ``template`` with ``context`` into ``target`` (the caller makes the write atomic)."""
    import jinja2

    from reportgen.render.sandbox import TemplateLimitError

    doc = open_template(template, display)
    alt_texts: dict[str, str] = {}
    pictures = _with_pictures(context, doc, alt_texts)
    try:
        doc.render(pictures, jinja_env=jinja_environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateError.at(
            display,
            f"the template uses an unknown variable: {exc.message}",
            "a variable listed in templates/README.md",
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
    except TemplateLimitError as exc:
        raise TemplateError.at(display, f"the template went beyond a limit: {exc}", LIMITS_EXPECTED) from None
    except jinja2.TemplateError as exc:
        raise TemplateError.at(display, f"the template failed: {exc}", "valid jinja2 tags") from None
    except RENDER_FAILURES as exc:
        raise TemplateError.at(
            display, f"the template failed while rendering ({describe(exc)})", "valid jinja2 expressions"
        ) from None
    _describe_pictures(doc.docx, alt_texts)
    _properties(doc.docx, context)
    finish(doc.docx, f"reportgen {context['version']}")
    doc.save(str(target))
    check_document_size(target, display)


MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
"""A committee pack of a few hundred pages is a few MB: a document beyond this was made from something absurd
(a template looping over a huge text) and is refused, never handed over cut short."""


def check_document_size(target: Path, display: str) -> None:
    """TemplateError when a rendered document (a zip) unpacks beyond ``MAX_DOCUMENT_BYTES`` or is not whole."""
    import zipfile

    try:
        with zipfile.ZipFile(target) as zf:
            size = sum(i.file_size for i in zf.infolist())
            broken = zf.testzip()
    except zipfile.BadZipFile:
        size, broken = 0, target.name
    if broken is not None:
        raise TemplateError.at(display, f"the rendered document is not whole ({broken})", "a complete document")
    if size > MAX_DOCUMENT_BYTES:
        raise TemplateError.at(
            display,
            f"the rendered document would be {size // 2**20} MB",
            f"at most {MAX_DOCUMENT_BYTES // 2**20} MB: check the template's loops and the texts it repeats",
        )


def _with_pictures(value: Any, doc: Any, alt_texts: dict[str, str]) -> Any:
    """The context with every ``Chart`` replaced by a docxtpl picture; remembers each picture's alt text by file."""
    from docx.shared import Cm
    from docxtpl import InlineImage

    if isinstance(value, Chart):
        alt_texts[value.path.name] = value.alt
        return InlineImage(doc, str(value.path), width=Cm(value.width_cm))
    if isinstance(value, dict):
        return {k: _with_pictures(v, doc, alt_texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_pictures(v, doc, alt_texts) for v in value]
    return value


def _describe_pictures(document: Any, alt_texts: dict[str, str]) -> None:
    """Set each chart picture's description (its alt text, read by screen readers and kept in a tagged PDF)."""
    from docx.oxml.ns import qn

    pic_name = "{http://schemas.openxmlformats.org/drawingml/2006/picture}cNvPr"
    for inline in document.element.body.iter(qn("wp:inline")):
        names = [e.get("name") for e in inline.iter(pic_name)]
        doc_pr = inline.find(qn("wp:docPr"))
        if names and doc_pr is not None and names[0] in alt_texts:
            doc_pr.set("descr", alt_texts[names[0]])


def _properties(document: Any, context: dict[str, Any]) -> None:
    props = document.core_properties
    generated: dt.datetime = context["generated"]
    props.title = f"{context['plan']['title']} – {context['pack']['title']}"
    props.subject = context["pack"]["title"]
    props.author = context["kommune"]
    props.last_modified_by = "reportgen"
    props.comments = ""  # the template's description ("generated by python-docx") says nothing about the report
    props.language = LANGUAGE
    props.keywords = "integrationspolitik; handleplan; status"
    props.created = generated.replace(tzinfo=None)
    props.modified = generated.replace(tzinfo=None)
    props.revision = 1
