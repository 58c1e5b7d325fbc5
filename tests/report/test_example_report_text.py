"""The shipped example's report.html read as text, as a committee member reads it: money is never
in scientific notation, years are not written "2,024", no source is a file section ("mm-inputs §")
or a Python module or function, and no developer path appears.

The example (hecon/examples/rrmm; fixture rrmm_report) runs with its one-way analysis and a small PSA
(20 samples) to keep the test short; the text checks do not depend on the number of samples."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Mapping

import pytest

from hecon.report import REPORT_HTML
from hecon.report.sources import reader_source


@pytest.fixture(scope="module")
def report_text(rrmm_report) -> str:
    folder, _ = rrmm_report
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.DOTALL)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _hits(pattern: str, text: str) -> list[str]:
    return [text[max(0, m.start() - 60) : m.end() + 30] for m in re.finditer(pattern, text)]


def test_no_scientific_notation(report_text):
    assert not _hits(r"\d(?:\.\d+)?[eE][+-]?\d+\b", report_text)


def test_years_and_seeds_are_plain_integers(report_text):
    # the years the report prints (price year, sources) never also appear with a thousands separator; an amount
    # such as EUR 2,068 is not a year unless 2068 is one the report prints
    years = {int(y) for y in re.findall(r"\b(20\d\d)\b", report_text)}
    assert 2024 in years  # the price year
    assert not [y for y in sorted(years) if _hits(rf"\b{y // 1000},{y % 1000:03d}\b(?!,\d)", report_text)]
    assert not _hits(r"20,241,126", report_text)
    assert "20241126" in report_text  # the seed is shown, as plain digits


def _without_text_chunks(data: bytes) -> bytes:
    """A PNG's bytes without its tEXt chunks (the report adds one after drawing: the smallest text
    size), so that an image can be matched to the drawing it came from. PNG: an 8-byte signature,
    then chunks of length (4 bytes, big-endian), type (4), data, CRC (4)."""
    out, at = [data[:8]], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        end = at + 12 + length
        if data[at + 4 : at + 8] != b"tEXt":
            out.append(data[at:end])
        at = end
    return b"".join(out)


@pytest.mark.parametrize(
    "pattern",
    [
        r"mm-inputs",  # a file the reader does not have
        r"§\s*\d",  # a file section
        r"hecon\.examples|hecon/",  # a Python module or a path in the package
        r"\.py\b|\.csv\b|\.md\b",  # a developer file
        r"shared/data",
        r"\bdf_[a-z_]+",  # an R data frame's name
    ],
)
def test_no_developer_text(report_text, pattern):
    assert not _hits(pattern, report_text), _hits(pattern, report_text)[:5]


def test_money_keeps_its_thousands_separators(report_text):
    # e.g. the reference value and the DSA's price range
    assert re.search(r"EUR [1-9]\d{0,2}(,\d{3})+", report_text)
    assert not _hits(r"EUR [1-9]\d{4,}\b", report_text)


def _off_frontier(points: Mapping[str, tuple[float, float]]) -> set[str]:
    """The strategies (name -> (cost, QALYs)) off the efficiency frontier, strongly or extendedly
    dominated, computed independently of hecon: a strategy is on the frontier when it has the
    highest net monetary benefit (QALYs x WTP - cost) at some willingness to pay >= 0; the
    candidates are 0, every positive pairwise ICER, the midpoints between them and a huge value."""
    names = list(points)
    kinks = sorted(
        {0.0, 1e12}
        | {
            (points[b][0] - points[a][0]) / (points[b][1] - points[a][1])
            for a in names
            for b in names
            if points[b][1] != points[a][1] and (points[b][0] - points[a][0]) / (points[b][1] - points[a][1]) > 0
        }
    )
    wtps = kinks + [(x + y) / 2 for x, y in zip(kinks, kinks[1:])]
    on: set[str] = set()
    for w in wtps:
        nmb = {s: w * q - c for s, (c, q) in points.items()}
        best = max(nmb.values())
        on |= {s for s, v in nmb.items() if v >= best - 1e-6 * max(1.0, abs(best))}
    return set(names) - on


def _dominated_icer_texts(results) -> set[str]:
    """The ICER texts (e.g. 'EUR 450,192 per QALY gained') of every strategy off the frontier of the
    result it belongs to: each scenario and subgroup, each PSA (means of the samples), each
    structural alternative of the PSA and of the deterministic runs, and their expectation."""
    refs = set(results.references)
    texts: set[str] = set()

    def add(points: Mapping[str, tuple[float, float]], versus: Mapping[str, str]) -> None:
        off = _off_frontier({s: p for s, p in points.items() if s not in refs})
        texts.update(versus[s] for s in off if s in versus and "per QALY gained" in versus[s])

    for sc in [*results.scenarios.values(), *results.subgroups.values()]:
        add(
            {s: (r.costs, r.qalys) for s, r in sc.strategies.items()},
            {v.strategy: v.description for v in sc.versus_comparator},
        )
    psas = [results.psa, results.psa_cross_check] + ([results.psa_structures.summary] if results.psa_structures else [])
    for psa in [p for p in psas if p is not None]:
        add(
            {s: (x.costs.mean, x.qalys.mean) for s, x in psa.strategies.items()},
            {v.strategy: v.description for v in psa.incremental},
        )
        for st in psa.structural:
            for a in (*st.alternatives, st.averaged):
                add(
                    {s: (x.costs, x.qalys) for s, x in a.strategies.items()},
                    {v.strategy: v.description for v in a.versus_comparator},
                )
    if results.structural_expectation is not None:
        exp = results.structural_expectation
        for a in (*exp.alternatives, exp.expected):
            add(
                {s: (x.costs, x.qalys) for s, x in a.strategies.items()},
                {v.strategy: v.description for v in a.versus_comparator},
            )
    if results.dsa is not None:  # each low and high value of the one-way analysis: its own frontier
        dsa = results.dsa
        rows = {(s, r.parameter): r for s, tornado in dsa.tornado.items() for r in tornado}
        for p in dsa.parameters:
            for side in ("low", "high"):
                at = {s: rows[s, p.name] for s in dsa.tornado}
                points = {dsa.comparator: (0.0, 0.0)} | {
                    s: (getattr(r, f"incremental_cost_{side}"), getattr(r, f"incremental_qalys_{side}"))
                    for s, r in at.items()
                }
                add(points, {s: getattr(r, f"result_{side}") for s, r in at.items()})
    return texts


#: what follows the ICER of a strategy off the frontier, in the same sentence or (short) in a table cell
_SAYS_DOMINATED = re.compile(r"(?: \([^)]*\))?, but (?:extendedly )?dominated(?: on the efficiency frontier)?")


def test_icers_of_dominated_strategies_say_so_in_the_same_sentence(rrmm_report):
    """Every ICER of a strategy that is dominated or extendedly dominated on the frontier of its
    result (base case, scenario, subgroup, PSA, structural alternative, and each low and high value
    of the one-way analysis, whose frontier the test computes from the increments of every strategy
    at that value) says so right after it."""
    folder, _ = rrmm_report
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.DOTALL)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Every parameter: sheet DSA" in text  # the DSA notes are kept
    texts = _dominated_icer_texts(rrmm_report[1])
    redose = next(
        v.description for v in rrmm_report[1].base.versus_comparator if v.strategy == "Annual CAR-T re-dosing"
    )
    assert redose.endswith("per QALY gained") and redose in texts  # dominated in the base case
    bare = [
        text[max(0, m.start() - 80) : m.end() + 60]
        for t in sorted(texts)
        for m in re.finditer(rf"(?<![\d,]){re.escape(t)}", text)
        if not _SAYS_DOMINATED.match(text, m.end())
    ]
    occurrences = sum(len(re.findall(rf"(?<![\d,]){re.escape(t)}", text)) for t in texts)
    assert occurrences >= 10
    assert bare == [], f"{len(bare)} of {occurrences}: " + " | ".join(bare[:5])


YEAR = re.compile(r"\b(?:19|20)\d\d\b")
NAME = re.compile(r"\b[A-Z][A-Za-z]{1,}")  # an author, journal, issuing body or manual
#: A gap tag inside a source: "G: " and the reason the citation is incomplete (e.g. "G: web listings
#: without a date, the date of access not recorded").
GAP = re.compile(r"(?:^|; )G: \w.{10,}")


def _sources(obj: object, out: list[str]) -> list[str]:
    """Every ``source`` text of a model element (parameters, curves, points, tables, overrides ...)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name == "source" and isinstance(value, str):
                out.append(value)
            else:
                _sources(value, out)
    elif isinstance(obj, (tuple, list)):
        for x in obj:
            _sources(x, out)
    elif isinstance(obj, Mapping):
        for x in obj.values():
            _sources(x, out)
    return out


def test_published_and_verify_sources_are_citations(rrmm_report, report_text):
    """Every source tagged P (published) or V (verify), the example's citations, names its author,
    journal, body or manual and its 4-digit year (e.g. 'Berdeja et al., Lancet 2021 (CARTITUDE-1)',
    'Elrexfio EU SmPC (EMA, 2024)'), or carries a gap tag (G) that says why the year is missing; and
    the report prints it, with its tags in words (numbers at risk, which are only fitted, are not printed). (Sources tagged D,
    derived, and A, assumption, are the example's own reasoning, not citations.)"""
    spec = rrmm_report[1].spec
    cited = [s for s in dict.fromkeys(_sources(spec, [])) if s[:2] in ("P:", "V:")]
    assert len(cited) > 80
    missing = [s for s in cited if not NAME.search(s[2:]) or not (YEAR.search(s[2:]) or GAP.search(s))]
    assert missing == []
    gaps = [s for s in cited if not YEAR.search(s[2:])]
    assert len(gaps) == 4  # web listings, the Horizonscan entry (twice), PMC8984780: each with its G reason
    shown = " ".join(report_text.split())
    at_risk = {p.source for p in spec.survival_points if p.kind == "at_risk"}  # fitting inputs, not printed
    at_risk -= set(_sources(dataclasses.replace(spec, survival_points=()), []))
    at_risk -= {p.source for p in spec.survival_points if p.kind != "at_risk"}
    printed = [" ".join(reader_source(s).split()) for s in cited if s not in at_risk]  # the tags in words
    assert [s for s in printed if s not in shown] == []


def test_every_psa_caption_names_the_structure_it_shows(rrmm_report):
    """The example runs both structures: the first screen's probabilities average them, so every
    table and figure of the PSA and value-of-information sections says which it shows (the run's
    structure alone, or both)."""
    folder, results = rrmm_report
    assert results.psa_cross_check is not None and results.psa_structures is not None
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    captions = []
    for part in re.split(r'(?=<section id=")', page):
        name = re.match(r'<section id="([^"]+)"', part)
        if name and name.group(1) in ("psa", "psa_detail", "psa_structural", "psa_structures", "voi", "evppi"):
            captions += [
                " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
                for c in re.findall(r"<(?:fig)?caption>(.*?)</(?:fig)?caption>", part, flags=re.DOTALL)
            ]
    assert len(captions) >= 8
    unlabelled = [
        c
        for c in captions
        if "state transition (markov) version alone" not in c.lower() and "both model structures" not in c
    ]
    assert unlabelled == []


#: A code name: snake_case or Mixed_Snake (a word with an underscore inside), or a setting (settings.x).
IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*[A-Za-z0-9]\b|\bsettings\.\w+")


def _code_names(spec) -> list[str]:
    """The code-like tokens of a text: :data:`IDENTIFIER`, and the model's parameter names (matched as
    whole words, case-sensitive: a parameter is never a plain word of the prose)."""
    names = "|".join(sorted((re.escape(p.name) for p in spec.parameters), key=len, reverse=True))
    known = re.compile(rf"(?<![\\w.-])(?:{names})(?![\\w-])")
    return lambda text: IDENTIFIER.findall(text) + known.findall(text)


def _main_part(page: str) -> str:
    """The main report: the sections marked class="main" (the appendices follow them)."""
    parts = re.split(r'(?=<section id="[^"]+" class="(?:main|appendix)">)', page)
    return " ".join(p for p in parts if p.startswith("<section") and 'class="main"' in p[:80])


def test_main_report_prose_captions_headers_and_figures_use_no_code_names(rrmm_report):
    """A committee reads descriptions, not code names: no identifier-like token (a word with an
    underscore, settings.<name>, or a parameter's name) in the main report's headings, paragraphs,
    list items, table and figure captions, table headers and figures' alternative text, nor in the
    text drawn in its figures (titles, axis and tick labels, legends, bar labels: collected from
    every figure the main sections draw). Code names appear only in the appendix tables that map
    each name to its description (inputs, model definition)."""
    import matplotlib.figure
    import matplotlib.text

    from hecon.report.sections import build_sections

    folder, results = rrmm_report
    codes = _code_names(results.spec)
    main = _main_part(re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", (folder / REPORT_HTML).read_text("utf-8")))
    assert main.count("<section") >= 10
    shown = [m.group(1) for m in re.finditer(r'<img[^>]*alt="([^"]*)"', main)]
    for tag in ("h2", "h3", "h4", "p", "li", "caption", "figcaption", "th"):
        shown += [m.group(1) for m in re.finditer(rf"<{tag}\b[^>]*>(.*?)</{tag}>", main, flags=re.DOTALL)]
    shown = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split()) for t in shown]
    assert len(shown) > 100
    found = {t: codes(t) for t in shown if codes(t)}
    assert found == {}, list(found.items())[:5]

    drawn: dict[bytes, list[str]] = {}
    save = matplotlib.figure.Figure.savefig

    def recording(fig, buf, *args, **kwargs):
        save(fig, buf, *args, **kwargs)  # drawn first: tick labels exist only after drawing
        drawn[_without_text_chunks(buf.getvalue())] = [
            t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()
        ]

    matplotlib.figure.Figure.savefig = recording
    try:
        sections = build_sections(results, workers=0)  # drawn here, where savefig records
    finally:
        matplotlib.figure.Figure.savefig = save

    def figures(section):
        yield from section.figures
        for sub in section.subsections:
            yield from figures(sub)

    main_figures = [f for s in sections if not s.appendix for f in figures(s)]
    assert len(main_figures) >= 10
    texts = {f.title: list(drawn[_without_text_chunks(f.png)]) for f in main_figures}
    assert all(texts.values())  # every figure's texts were recorded
    found = {title: hits for title, ts in texts.items() if (hits := [c for t in ts for c in codes(t)])}
    assert found == {}, found


@pytest.mark.parametrize(
    "pattern",
    [
        r"hecon fit-survival",  # a command as a source: the fit's data and method are cited instead
        r"\bnl_cbs_2019\b|\bnl_ag2024\b",  # a life table's code name: its title is printed
        r"\bsettings\.\w+",  # a setting's code name
        r"\bposition\b",  # the unit of a discrete parameter, written for a reader
    ],
)
def test_no_code_names_named_by_the_review_anywhere_in_the_report(rrmm_report, pattern):
    """Nowhere in the report, main part or appendix, except the two appendix tables that list code
    names on purpose: the life tables by name (with their sources) and the run's settings by name."""
    page = (rrmm_report[0] / REPORT_HTML).read_text(encoding="utf-8")
    kept = re.sub(r'<table[^>]*data-sheet="(?:LifeTables|RunInfo)"[^>]*>.*?</table>', " ", page, flags=re.DOTALL)
    assert len(kept) < len(page)
    kept = re.sub(r"<style.*?</style>", " ", kept, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", kept)))
    assert not _hits(pattern, text), _hits(pattern, text)[:5]


def _section_text(folder, key: str) -> str:
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    match = re.search(rf'<section id="{key}"[^>]*>.*?</section>', page, flags=re.DOTALL)
    assert match, key
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))
    return " ".join(text.split())


def test_the_first_screen_is_short_and_says_what_the_issue_asks(rrmm_report):
    """The Key results section (8,770 characters before) in at most 2,500 characters of text: the decision
    at the reference value, the frontier's ICERs, the probability of being cost-effective, the threshold
    prices and the main driver; the key results table and the rest follow in the next section."""
    folder, results = rrmm_report
    first = _section_text(folder, "key_results")
    assert len(first) <= 2500, len(first)
    head = results.headline
    assert (
        f"At EUR {head.wtp:,.0f} per QALY" in first and f"{head.optimal} has the highest net monetary benefit" in first
    )
    assert "Efficiency frontier: " in first and "per QALY gained" in first
    assert "Probability of the highest net monetary benefit" in first and "both model structures averaged" in first
    assert "becomes cost-effective against" in first
    assert "Main driver of the result" in first
    assert "Table 1." not in first
    overview = _section_text(folder, "results_overview")
    assert "Key results (base case, discounted)" in overview and "Averaged PSA" in overview


#: The workbook's evidence tags as the example writes them: "G: gap", "V: ..." at the start of a part of a
#: source, or alone in brackets "(A)", "(V, Pfizer 2023)", "(range 40-80, A)".
_TAG_FORMS = r"(?<![A-Za-z0-9'])[PVDAG]:\s|\([PVDAG][,;)]|,\s[PVDAG]\)"


def test_sources_print_their_evidence_tags_in_words(report_text):
    """The reviewer found "G: gap" and "V: verify" in the printed sources: the tags are written out."""
    assert not _hits(_TAG_FORMS, report_text), _hits(_TAG_FORMS, report_text)[:5]
    assert "Evidence gap: " in report_text and "Value to be verified: " in report_text
    assert "Assumption: " in report_text and "Derived: " in report_text


def test_results_xlsx_prints_the_evidence_tags_in_words_too(rrmm_report):
    from openpyxl import load_workbook

    from hecon.report import RESULTS_XLSX

    folder, _ = rrmm_report
    book = load_workbook(folder / RESULTS_XLSX, read_only=True)
    found, words = [], 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    found += [f"{sheet.title}: {value[:90]}"] if re.search(_TAG_FORMS, value) else []
                    words += "Evidence gap: " in value
    assert not found, found[:5]
    assert words > 0


def test_every_figure_main_or_appendix_prints_its_text_at_7_points_or_more(rrmm_report):
    """The print rule of the browser test without a browser: a figure wider than the A4 text column
    (210 mm less the print stylesheet's 12-mm margins) prints scaled down to it, so its smallest text
    (recorded in the PNG) times the column over its width must be 7 points or more. The reviewer found
    appendix figures below it: the Q-TWiST figure was 51.6 inches wide (1 point printed)."""
    import base64

    from hecon.report.figures import Figure
    from hecon.report.style import DPI

    folder, _ = rrmm_report
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    margin = re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*([\d.]+)mm\s+([\d.]+)mm", page)
    column = (210.0 - 2 * float(margin[2])) / 25.4
    kinds = []
    for part in re.split(r'(?=<section id=")', page):
        kind = re.match(r'<section id="[^"]+" class="(main|appendix)"', part)
        for data, title in re.findall(
            r'<img src="data:image/png;base64,([^"]+)".*?<figcaption><b>(.*?)</b>', part, flags=re.DOTALL
        ):
            figure = Figure(title, base64.b64decode(data))
            width = figure.size[0] / DPI
            assert figure.smallest_text_pt is not None, title
            printed = figure.smallest_text_pt * min(1.0, column / width)
            assert printed >= 7.0, (html.unescape(title), round(width, 1), round(printed, 2))
            kinds.append(kind[1] if kind else "")
    assert kinds.count("appendix") >= 8 and kinds.count("main") >= 6
    assert any("Q-TWiST" in t for t in re.findall(r"<figcaption><b>(.*?)</b>", page))
