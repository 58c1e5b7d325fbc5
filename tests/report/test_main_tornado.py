"""Which strategy's tornado the main report shows (hecon.report.decision.main_tornado)."""

from types import SimpleNamespace

from hecon.report.decision import main_tornado


def _dsa(inmb: dict[str, float]) -> SimpleNamespace:
    """A DSA summary with a tornado per strategy other than the comparator and each one's
    base-case INMB versus the comparator [currency]."""
    return SimpleNamespace(
        tornado=dict.fromkeys(inmb, ()),
        base_case={s: SimpleNamespace(inmb_at_tornado_wtp=v) for s, v in inmb.items()},
    )


def test_the_optimal_strategy_shows_its_own_tornado():
    assert main_tornado("B", _dsa({"Ref": 5.0, "A": -1.0, "B": 2.0}), {"Ref"}) == "B"


def test_when_the_comparator_is_optimal_the_option_closest_to_replacing_it_is_shown_never_a_reference():
    """The comparator is optimal (it has no tornado of its own): of the decision options, the one with
    the largest INMB versus the comparator (-1 > -3), although the reference strategy's is larger (+5)."""
    assert main_tornado("Comparator", _dsa({"Ref": 5.0, "A": -3.0, "B": -1.0}), {"Ref"}) == "B"
    assert main_tornado(None, _dsa({"Ref": 5.0, "A": -3.0, "B": -1.0}), {"Ref"}) == "B"


def test_only_references_or_nothing():
    assert main_tornado("C", _dsa({"Ref": 5.0}), {"Ref"}) == "Ref"
    assert main_tornado("C", _dsa({}), set()) is None
