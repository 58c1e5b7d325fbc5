"""Published results of other models that the RRMM example is compared with for face validity (no input of the
model comes from them): each value with its source and where in the source it stands.

Sources: Wu W, Ding S, Zhang M, et al. Cost effectiveness analysis of CAR-T cell therapy for patients with
relapsed/refractory multiple myeloma in China. Research Square preprint 2022, doi 10.21203/rs.3.rs-2177083/v1
(Markov model from CARTITUDE-1, KarMMa and MAMMOTH, Chinese healthcare perspective, start age 60; only the
abstract could be read, so the location of every value is the abstract's Results). Gandhi UH, Cornell RF,
et al. Outcomes of patients with multiple myeloma refractory to CD38-targeted monoclonal antibody therapy
(MAMMOTH). Leukemia 2019;33(9):2266-2275 (Wu et al.'s comparator cohort).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The source of MAMMOTH, Wu et al.'s comparator.
MAMMOTH = "Gandhi et al., Leukemia 2019;33(9):2266 (MAMMOTH, 275 patients refractory to a CD38 antibody)"
#: The source of the Wu et al. values.
WU_2022 = (
    "Wu et al. 2022, Research Square preprint doi 10.21203/rs.3.rs-2177083/v1 (China, Markov model, CARTITUDE-1 "
    "and KarMMa vs salvage chemotherapy from MAMMOTH)"
)


@dataclass(frozen=True)
class PublishedResult:
    """One published model result.

    name     : identifier
    what     : what the number is (comparison and quantity)
    value    : the number [unit]
    unit     : its unit
    source   : the publication
    location : where in the publication (table, page or section)
    """

    name: str
    what: str
    value: float
    unit: str
    source: str
    location: str


PUBLISHED_RESULTS: tuple[PublishedResult, ...] = (
    PublishedResult(
        "wu2022_cilta_qalys",
        "cilta-cel vs salvage chemotherapy: incremental QALYs (discounted)",
        3.32,
        "QALYs",
        WU_2022,
        "abstract, Results (base case)",
    ),
    PublishedResult(
        "wu2022_ide_qalys",
        "ide-cel vs salvage chemotherapy: incremental QALYs (discounted)",
        1.14,
        "QALYs",
        WU_2022,
        "abstract, Results (base case)",
    ),
    PublishedResult(
        "wu2022_cilta_survivors_5y",
        "cilta-cel: share expected to be long-term survivors after 5 years",
        0.304,
        "share",
        WU_2022,
        "abstract, Results (base case)",
    ),
    PublishedResult(
        "wu2022_ide_survivors_5y",
        "ide-cel: share expected to be long-term survivors after 5 years",
        0.035,
        "share",
        WU_2022,
        "abstract, Results (base case)",
    ),
    PublishedResult(
        "wu2022_start_age",
        "model start age",
        60.0,
        "years",
        WU_2022,
        "abstract, Results (scenario analyses: start age changed from 60 to 55)",
    ),
    PublishedResult(
        "mammoth_os_median",
        "salvage after refractoriness to a CD38 antibody (Wu et al.'s comparator): median OS from refractoriness",
        8.6,
        "months",
        MAMMOTH,
        "abstract (95% CI 7.5-9.9)",
    ),
)


def published(name: str) -> PublishedResult:
    """The published result called ``name`` (KeyError if there is none)."""
    for result in PUBLISHED_RESULTS:
        if result.name == name:
            return result
    raise KeyError(name)
