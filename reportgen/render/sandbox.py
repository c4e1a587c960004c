"""The jinja2 environment staff templates are rendered in: sandboxed, strict, and bounded.

jinja2's ``SandboxedEnvironment`` keeps a template from reaching Python internals, but not from running without end:
nested loops, ``'x' * 3000000000``, a macro calling itself, a filter asked for a billion-character line. A template
is edited by staff, so every render here has limits, each a ``TemplateLimitError`` (a jinja2 error the renderers
turn into ``reportgen.errors.TemplateError`` naming the template, exit 2):

* loop iterations in one render (every ``{% for %}`` counts, ``range`` included) and the length of one ``range``;
* the length of a text or list one expression builds (``*``, ``+``, ``%``, ``**``, widths given to ``center``,
  ``indent``, ``format``, ``ljust``…, ``replace``, ``batch``, ``slice``) and of the whole rendered output;
* how deeply macros call each other (a macro calling itself without end);
* the wall-clock time of one render, checked as the template works (a safety net behind the other limits).

``{% include %}``, ``{% import %}`` and ``{% extends %}`` are refused: a template is one file, and there is no loader
that could read another.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, nodes, pass_eval_context
from jinja2.exceptions import TemplateRuntimeError, TemplateSyntaxError
from jinja2.filters import do_batch, do_center, do_format, do_indent, do_replace, sync_do_slice
from jinja2.sandbox import SandboxedEnvironment

MAX_LOOP_ITERATIONS = 1_000_000
"""Loop iterations in one render: a committee pack needs a few thousand."""
MAX_VALUE_CHARS = 10_000_000
"""The longest text or list one expression may build."""
MAX_OUTPUT_CHARS = 50_000_000
"""The most characters one render may produce (the XML of a 300-page pack is a few million)."""
MAX_CALL_DEPTH = 50
"""How deeply calls (macros calling macros) may nest."""
MAX_POWER_BITS = 100_000
"""The largest integer ``**`` may produce, in bits (about 30.000 digits)."""
MAX_RENDER_SECONDS = 120.0
"""Wall-clock time of one render, checked as the template works; a real pack renders in seconds."""
_TICKS_PER_CLOCK_CHECK = 1024
_WIDTH = re.compile(r"(\d+)")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")
_PRINTF_FIELD = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_REFUSED = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
}
_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


class TemplateLimitError(TemplateRuntimeError):
    """A template went beyond one of the render limits."""


def _n(value: int | float) -> str:
    return f"{value:,.0f}".replace(",", ".")


class BoundedEnvironment(SandboxedEnvironment):
    """``SandboxedEnvironment`` with ``StrictUndefined`` and the limits of this module; one instance per render (its
    budget and clock start when it is made)."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(undefined=StrictUndefined, **options)
        self.iterations = 0
        self.ticks = 0
        self.depth = 0
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS
        self.globals["range"] = self.bounded_range
        self.globals.pop("lipsum", None)  # lorem ipsum on demand: n paragraphs of it
        self.filters.update(
            {
                "reportgen_loop": self.counted,
                "center": self._center,
                "indent": self._indent,
                "format": self._format,
                "replace": self._replace,
                "batch": self._batch,
                "slice": self._slice,
            }
        )

    # -- the budget -------------------------------------------------------------------------------------------

    def tick(self) -> None:
        """One unit of work; now and then the clock is read."""
        self.ticks += 1
        if self.ticks % _TICKS_PER_CLOCK_CHECK == 0 and time.monotonic() > self.deadline:
            raise TemplateLimitError(
                f"the template rendered for more than {_n(MAX_RENDER_SECONDS)} seconds and was stopped"
            )

    def counted(self, iterable: Any) -> Iterator[Any]:
        """Every ``{% for %}`` loops over this (see ``_parse``): each iteration is counted."""
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_LOOP_ITERATIONS:
                raise TemplateLimitError(
                    f"the template's loops ran more than {_n(MAX_LOOP_ITERATIONS)} times in one render"
                )
            self.tick()
            yield item

    def bounded_range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_LOOP_ITERATIONS:
            raise TemplateLimitError(
                f"range() of {_n(len(numbers))} numbers (at most {_n(MAX_LOOP_ITERATIONS)} in one render)"
            )
        return numbers

    def check_size(self, value: Any, what: str) -> Any:
        if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_VALUE_CHARS:
            raise TemplateLimitError(f"{what} of {_n(len(value))} items (at most {_n(MAX_VALUE_CHARS)})")
        return value

    def check_width(self, width: Any, what: str) -> None:
        if isinstance(width, int) and width > MAX_VALUE_CHARS:
            raise TemplateLimitError(f"{what} {_n(width)} wide (at most {_n(MAX_VALUE_CHARS)})")

    # -- what the compiled template calls ---------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template's syntax tree with every loop counted and ``include``/``import``/``extends`` refused."""
        tree = super()._parse(source, name, filename)
        for kind, tag in _REFUSED.items():
            for node in tree.find_all(kind):
                raise TemplateSyntaxError(
                    f"{{% {tag} %}} is not allowed: a template is one file and reads no other", node.lineno, name
                )
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "reportgen_loop", [], [], None, None, lineno=loop.lineno)
        return tree

    def concat(self, parts: Iterable[str]) -> str:
        """The rendered output, at most ``MAX_OUTPUT_CHARS``; a recursion too deep for Python is a limit too."""
        out: list[str] = []
        size = 0
        try:
            for part in parts:
                size += len(part)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateLimitError(f"the rendered text would exceed {_n(MAX_OUTPUT_CHARS)} characters")
                self.tick()
                out.append(part)
        except RecursionError:
            raise TemplateLimitError("the template's macros call each other too deeply") from None
        return "".join(out)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.tick()
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            if name in _WIDTH_METHODS:
                for arg in (*args, *kwargs.values()):
                    __self.check_width(arg, f"{name}()")
            elif name == "replace" and len(args) >= 2:
                _check_replace(__self, __obj.__self__, args[0], args[1], args[2] if len(args) > 2 else -1)
        __self.depth += 1
        try:
            if __self.depth > MAX_CALL_DEPTH:
                raise TemplateLimitError(f"calls nested more than {MAX_CALL_DEPTH} deep (a macro calling itself?)")
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.depth -= 1

    def wrap_str_format(self, value: Any) -> Any:
        """``str.format`` as the sandbox wraps it, with the widths in the format string checked first."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = str(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_format_widths(self, template, (*args, *kwargs.values()))
            return wrapped(*args, **kwargs)

        return checked

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.tick()
        return self.check_size(super().getattr(obj, attribute), f"{attribute!r}: a value")

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.tick()
        return self.check_size(super().getitem(obj, argument), "a value")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        built: float = 0
        if operator == "*" and isinstance(left, (str, list, tuple)) and isinstance(right, int):
            built = len(left) * right
        elif operator == "*" and isinstance(right, (str, list, tuple)) and isinstance(left, int):
            built = len(right) * left
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            built = len(left) + len(right)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > MAX_POWER_BITS:
                raise TemplateLimitError(
                    f"a power of {_n(right * math.log2(abs(left)))} bits (at most {MAX_POWER_BITS})"
                )
        elif operator == "%" and isinstance(left, str):
            _check_printf_widths(self, left, right if isinstance(right, (tuple, dict)) else (right,))
        if built > MAX_VALUE_CHARS:
            raise TemplateLimitError(
                f"{operator!r} would make a text or list of {_n(built)} items (at most {_n(MAX_VALUE_CHARS)})"
            )
        return super().call_binop(context, operator, left, right)

    # -- filters that could build a huge value from a small one ----------------------------------------------

    def _center(self, value: str, width: int = 80) -> str:
        self.check_width(width, "center()")
        return do_center(value, width)

    def _indent(self, s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        lines = str(s).count("\n") + 1
        extra = len(width) if isinstance(width, str) else width
        self.check_width(len(str(s)) + lines * extra, "indent() makes a text")
        return do_indent(s, width, first, blank)

    def _format(self, value: str, *args: Any, **kwargs: Any) -> str:
        _check_printf_widths(self, str(value), kwargs or args)
        return do_format(value, *args, **kwargs)

    @pass_eval_context
    def _replace(self, eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
        _check_replace(self, str(s), str(old), str(new), -1 if count is None else count)
        return do_replace(eval_ctx, s, old, new, count)

    def _batch(self, value: Any, linecount: int, fill_with: Any = None) -> Any:
        self.check_width(linecount, "batch()")
        return do_batch(value, linecount, fill_with)

    def _slice(self, value: Any, slices: int, fill_with: Any = None) -> Any:
        if isinstance(slices, int) and slices > MAX_LOOP_ITERATIONS:
            raise TemplateLimitError(f"slice() into {_n(slices)} parts")
        return sync_do_slice(value, slices, fill_with)


def _check_replace(env: BoundedEnvironment, s: str, old: Any, new: Any, count: Any) -> None:
    if not (isinstance(old, str) and isinstance(new, str)):
        return
    found = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    env.check_width(len(s) + found * (len(new) - len(old)), "replace() makes a text")


def _check_format_widths(env: BoundedEnvironment, template: str, args: Iterable[Any]) -> None:
    """``'{:>1000000000}'.format(x)``: a width in a format field, or given as an argument to a nested field."""
    for field in _FORMAT_FIELD.findall(template):
        for width in _WIDTH.findall(field):
            env.check_width(int(width), "a format field")
    if _NESTED_FIELD.search(template):
        for arg in args:
            env.check_width(arg, "a format argument")


def _check_printf_widths(env: BoundedEnvironment, template: str, args: Any) -> None:
    """``'%1000000000s' % x``: a width or precision in a printf field, or taken from the arguments (``*``)."""
    starred = False
    for width, precision in _PRINTF_FIELD.findall(template):
        for number in (width, precision):
            if number == "*":
                starred = True
            elif number:
                env.check_width(int(number), "a format field")
    if starred:
        for arg in args.values() if isinstance(args, dict) else args:
            env.check_width(arg, "a format argument")
