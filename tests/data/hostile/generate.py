"""The hostile corpus: broken, malicious and merely unusual inputs, each applied to a copy of the shipped example,
with the exit code and message the tool must give. Nothing here is committed as a file: every case writes its
input at test time (zip bombs included), so the repository stays small.

    python tests/data/hostile/generate.py OUT   # writes every case's changed files under OUT/<case>/ to look at

Each case is ``Case(name, apply, exit_code, message)``: ``apply(root)`` changes the example in ``root``;
``message`` is a fragment of the expected error line (``""`` for an accepted input).
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook

ECONOMY = Path("inputs/economy/oekonomi_2019_2020.csv")
PLAN = Path("inputs/handleplan_2019.yaml")
BAROMETER = Path("inputs/barometer/integrationsbarometer.xlsx")
SHEET = Path("inputs/maalinger/maalinger-ungecentret.xlsx")
HEADER = "Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb"


@dataclass(frozen=True)
class Case:
    name: str
    apply: Callable[[Path], object]
    exit_code: int
    message: str = ""


def _csv(root: Path, body: str, name: str = "ekstra.csv", encoding: str = "cp1252") -> None:
    (root / ECONOMY.parent / name).write_bytes(body.encode(encoding))


def _postings(n: int, start: int = 0) -> str:
    return "".join(f"{(i % 28) + 1:02d}-02-2021;5.46.60.001;INT19-01;Post {start + i};1,00\n" for i in range(n))


def _replace(root: Path, path: Path, old: str, new: str) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text, old
    (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def _economy_xlsx(root: Path, rows: list[list[object]], name: str = "ekstra.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Bogføringsdato", "Konto", "Projekt", "Posteringstekst", "Beløb"])
    for row in rows:
        ws.append(row)
    path = root / ECONOMY.parent / name
    wb.save(path)
    return path


def _rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a zip (an .xlsx) in place."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def understated_dimension(root: Path) -> None:
    import datetime as dt

    path = _economy_xlsx(root, [[dt.date(2021, 2, 1), "5.46.60.001", "INT19-01", "x", 1.0] for _ in range(300)])
    _rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda b: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:E10"/>', b),
    )


def corrupt_sheet_xml(root: Path) -> None:
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "x", "1,00"]])
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2] + b"<row><c r=")


def date_9999(root: Path) -> None:
    import datetime as dt

    # an Excel cell holds a date-time without a zone, so the test writes a naive one
    _economy_xlsx(root, [[dt.datetime(9999, 12, 31), "5.46.60.001", "INT19-01", "x", 1.0]])  # noqa: DTZ001


def infinite_amount(root: Path) -> None:
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "x", 1.0]])
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda b: b.replace(b"<v>1</v>", b"<v>1e309</v>"))


def zip_bomb(root: Path) -> None:
    """A 100 MB sheet of one repeated row, compressed to a few hundred KB."""
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "x", "1,00"]])
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    _rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda b: b.replace(b"</sheetData>", row * (100 * 2**20 // len(row)) + b"</sheetData>"),
    )


def huge_shared_string(root: Path) -> None:
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "tekst", "1,00"]])
    _rewrite_member(
        path, "xl/worksheets/sheet1.xml", lambda b: b.replace(b">tekst<", b">" + b"A" * (80 * 2**20) + b"<")
    )


def long_text_cell(root: Path) -> None:
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "tekst", "1,00"]])
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda b: b.replace(b">tekst<", b">" + b"A" * 40000 + b"<"))


def xml_entity_bomb(root: Path) -> None:
    """Billion laughs inside a sheet: entities that expand to gigabytes (defusedxml refuses any entity)."""
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "x", "1,00"]])
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
    _rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda b: doctype + b.replace(b"<t>x</t>", b"<t>&a9;</t>"),
    )


def xml_external_entity(root: Path) -> None:
    """XXE: a cell that would read /etc/passwd."""
    path = _economy_xlsx(root, [["01-02-2021", "5.46.60.001", "INT19-01", "x", "1,00"]])
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    _rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda b: doctype + b.replace(b"<t>x</t>", b"<t>&xxe;</t>"),
    )


def yaml_alias_bomb(root: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    (root / PLAN).write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_yaml(root: Path) -> None:
    (root / PLAN).write_text("title: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")


def output_is_a_file(root: Path) -> None:
    (root / "outputs").write_text("not a folder", encoding="utf-8")


def plan_outside(root: Path) -> None:
    outside = root.parent / "andetsteds"
    outside.mkdir(exist_ok=True)
    shutil.copy(root / PLAN, outside / "plan.yaml")
    _replace(root, Path("reportgen.toml"), 'plan = "inputs/handleplan_2019.yaml"', 'plan = "../andetsteds/plan.yaml"')


def measurement_conflict(root: Path) -> None:
    wb = load_workbook(root / SHEET)
    ws = wb["Målinger"]
    ws.append(["4", "gennemfoert", "2019K3", 7, None])  # 2019K3 already says 2
    wb.save(root / SHEET)


def _indicator_csv(body: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / "inputs" / "barometer" / "ekstra.csv").write_text(body, encoding="utf-8")

    return apply


CASES: list[Case] = [
    # economy exports: no silent change of a figure
    Case("economy-understated-dimension", understated_dimension, 0),
    Case(
        "economy-nul-in-cell",
        lambda r: _csv(r, HEADER + "\n01-02-2021;5.46.60.001;INT19-01;x;1\0.234,50\n"),
        2,
        "control character '\\x00'",
    ),
    Case(
        "economy-vertical-tab",
        lambda r: _csv(r, HEADER + "\n01-02-2021;5.46.60.001;INT19-01;x\vy;1,00\n"),
        2,
        "ekstra.csv:2: control character",
    ),
    Case("economy-header-only", lambda r: _csv(r, HEADER + "\n"), 0),
    Case(
        "economy-field-over-131072",
        lambda r: _csv(r, HEADER + '\n01-02-2021;5.46.60.001;INT19-01;"' + "x" * 140000 + '";1,00\n'),
        2,
        "ekstra.csv",
    ),
    Case(
        "economy-cp1252-after-64kb-ascii",
        lambda r: _csv(r, HEADER + "\n" + _postings(3000) + "01-02-2021;5.46.60.001;INT19-01;Løn;1,00\n"),
        0,
    ),
    Case(
        "economy-400-nines",
        lambda r: _csv(r, HEADER + "\n01-02-2021;5.46.60.001;INT19-01;x;" + "9" * 400 + "\n"),
        2,
        "(400 characters) is not an amount",
    ),
    Case("economy-corrupt-sheet-xml", corrupt_sheet_xml, 2, "ekstra.xlsx:Sheet:"),
    Case("economy-date-9999", date_9999, 2, "ekstra.xlsx"),
    Case("economy-infinite-amount", infinite_amount, 2, "ekstra.xlsx"),
    Case("economy-zip-bomb", zip_bomb, 2, "compressed"),
    Case("economy-huge-shared-string", huge_shared_string, 2, "compressed"),
    Case("economy-xml-entity-bomb", xml_entity_bomb, 2, "ekstra.xlsx"),
    Case("economy-xml-external-entity", xml_external_entity, 2, "ekstra.xlsx"),
    Case("economy-long-text-cell", long_text_cell, 2, "a cell of 40.000 characters"),
    Case(
        "economy-not-a-zip",
        lambda r: (r / ECONOMY.parent / "ekstra.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 100),
        2,
        "cannot open the workbook",
    ),
    # indicator files
    Case("indicator-empty-file", _indicator_csv(""), 2, "ekstra.csv: the file is empty"),
    Case(
        "indicator-ragged-rows",
        _indicator_csv("kommune;indikator;periode;værdi\nFrederiksberg;x;2019;1;2;3\nFrederiksberg;x\n"),
        2,
        "ekstra.csv:2",
    ),
    # measurement sheets
    Case("measurement-conflicting-duplicate", measurement_conflict, 2, "also given on row"),
    # the plan
    Case(
        "plan-impossible-date",
        lambda r: _replace(r, PLAN, "end: 2020-12-31", "end: 2019-02-31"),
        2,
        "handleplan_2019.yaml:14",
    ),
    Case(
        "plan-control-character",
        lambda r: _replace(r, PLAN, "title: Integrationspolitikkens", "title: Integrations\x07politikkens"),
        2,
        "handleplan_2019.yaml",
    ),
    Case(
        "plan-vertical-tab-in-text",
        lambda r: _replace(r, PLAN, "text: 40 aktivitetsparate", 'text: "40\\vaktivitetsparate"\n        # was'),
        2,
        "control character",
    ),
    Case(
        "plan-unknown-tag",
        lambda r: _replace(r, PLAN, "pool: 1700000", "pool: !ukendt 1700000"),
        2,
        "handleplan_2019.yaml:15",
    ),
    Case(
        "plan-python-tag",
        lambda r: _replace(r, PLAN, "pool: 1700000", "pool: !!python/object/apply:os.system ['true']"),
        2,
        "handleplan_2019.yaml:15",
    ),
    Case(
        "plan-bad-timestamp",
        lambda r: _replace(r, PLAN, "end: 2020-12-31", "end: !!timestamp 2020-13-45"),
        2,
        "handleplan_2019.yaml:14",
    ),
    Case("plan-nesting-500", deep_yaml, 2, "handleplan_2019.yaml"),
    Case("plan-alias-bomb", yaml_alias_bomb, 2, "handleplan_2019.yaml"),
    Case("plan-nan-target", lambda r: _replace(r, PLAN, 'target: ">= 40"', "target: .nan"), 2, "handleplan_2019.yaml"),
    Case(
        "plan-bad-account",
        lambda r: _replace(
            r, PLAN, 'economy: {projects: ["INT19-01"]}', 'economy: {projects: ["INT19-01"], accounts: ["5.46.6O"]}'
        ),
        2,
        "5.46.6O",
    ),
    Case(
        "plan-pool-1e40",
        lambda r: _replace(r, PLAN, "pool: 1700000", "pool: 10000000000000000000000000000000000000000"),
        2,
        "pool",
    ),
    # the config
    Case(
        "config-plan-is-a-folder",
        lambda r: _replace(r, Path("reportgen.toml"), 'plan = "inputs/handleplan_2019.yaml"', 'plan = "inputs"'),
        2,
        "inputs",
    ),
    Case(
        "config-two-character-separator",
        lambda r: _replace(
            r, Path("reportgen.toml"), "[economy.columns]", '[economy]\nseparator = ";;"\n\n[economy.columns]'
        ),
        2,
        "separator",
    ),
    Case(
        "config-column-mapped-twice",
        lambda r: _replace(r, Path("reportgen.toml"), 'tekst = "Posteringstekst"', 'tekst = "Konto"'),
        2,
        "'Konto' is mapped twice",
    ),
    Case(
        "config-municipality-true",
        lambda r: _replace(r, Path("reportgen.toml"), "municipality = 147", "municipality = true"),
        2,
        "municipality: true is not",
    ),
    Case(
        "config-missing-template",
        lambda r: _replace(
            r, Path("reportgen.toml"), "[output]", '[templates]\nstatus = "skabeloner/findes-ikke.docx"\n\n[output]'
        ),
        2,
        "findes-ikke.docx",
    ),
    # paths and the environment
    Case("paths-plan-outside-the-config-folder", plan_outside, 2, "outside"),
    Case("environment-output-is-a-file", output_is_a_file, 2, "outputs"),
]

# The economy export the example ships: postings of 2019-2020. The cases add a second export with postings of
# February 2021, after the plan period and after every pack's date, so an accepted case changes no figure.


def main(out: Path) -> None:
    from tests.conftest import REPO

    for case in CASES:
        root = out / case.name / "kommune"
        shutil.rmtree(root.parent, ignore_errors=True)
        root.mkdir(parents=True)
        shutil.copy(REPO / "reportgen.toml", root / "reportgen.toml")
        shutil.copytree(REPO / "inputs", root / "inputs", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        case.apply(root)
        print(f"{case.name}: exit {case.exit_code} {case.message}")


if __name__ == "__main__":  # pragma: no cover
    main(Path(sys.argv[1]))
