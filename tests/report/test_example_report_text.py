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
    return texts


#: what follows the ICER of a strategy off the frontier, in the same sentence or cell
_SAYS_DOMINATED = re.compile(r"(?: \([^)]*\))?, but (?:extendedly )?dominated on the efficiency frontier")


def test_icers_of_dominated_strategies_say_so_in_the_same_sentence(rrmm_report):
    """Every ICER of a strategy that is dominated or extendedly dominated on the frontier of its
    result (base case, scenario, subgroup, PSA, structural alternative) says so right after it.

    Left out: the cells of the one-way tables (DSA), each the pairwise result at one changed input,
    whose frontier the one-way analysis does not compute (their notes give the base case's status)."""
    folder, _ = rrmm_report
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    page = re.sub(r'(<table[^>]*data-sheet="DSA"[^>]*>.*?)<tbody>.*?</tbody>', r"\1", page, flags=re.DOTALL)
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
#: P/V sources whose year was not recorded when they were read (web entries without a date); the
#: remaining citation work of issue 18.
UNDATED = {
    "P: openFDA NDC listing; Swiss compendium": "web listings, date of access not recorded",
    "P: MajesTEC-1 median duration of treatment 8.5 months (Horizonscan Geneesmiddelen, teclistamab entry v5); "
    "PSA: Gamma with SE 25% (A)": "Horizonscan entry version 5, its date not recorded",
    "P: MajesTEC-1 median duration of treatment (Horizonscan Geneesmiddelen, teclistamab entry v5)": "as above",
    "P: utility -0.19 for 14 days (PMC8984780, Table 1; duration an authors' assumption)": "PMC id only",
    "P: CARTITUDE-1 21.7-month update": "abstract not re-read; authors and year not recorded",
}


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
    """Every source tagged P (published) or V (verify) names its author, journal, body or manual and
    its year (e.g. 'Berdeja et al., Lancet 2021 (CARTITUDE-1)', 'Elrexfio EU SmPC (EMA, 2024)'), and
    the report prints it (numbers at risk, which are only fitted, are not printed)."""
    spec = rrmm_report[1].spec
    cited = [s for s in dict.fromkeys(_sources(spec, [])) if s[:2] in ("P:", "V:")]
    assert len(cited) > 80
    missing = [s for s in cited if s not in UNDATED and not (YEAR.search(s[2:]) and NAME.search(s[2:]))]
    assert missing == []
    assert set(UNDATED) <= set(cited)  # the list names no source that has gone
    shown = " ".join(report_text.split())
    at_risk = {p.source for p in spec.survival_points if p.kind == "at_risk"}  # fitting inputs, not printed
    at_risk -= set(_sources(dataclasses.replace(spec, survival_points=()), []))
    at_risk -= {p.source for p in spec.survival_points if p.kind != "at_risk"}
    assert [s for s in cited if s not in at_risk and " ".join(s.split()) not in shown] == []


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
