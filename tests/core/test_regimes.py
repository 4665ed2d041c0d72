"""The regime files as loaded (``core.regimes`` through ``exportguard.regimes``), without a
store: what the bundled YAML says, and what a malformed block is refused with."""

from __future__ import annotations

import pytest
import yaml

from exportguard.core.regimes import DEFAULT_LICENSING, LicenceStage
from exportguard.errors import RegimeError
from exportguard.regimes import bundled, bundled_text, parse_text

FILE = "exportguard/regimes/il-deca.yaml"


def test_israel_licenses_in_two_stages_marketing_then_export() -> None:
    licensing = bundled()["il-deca"].licensing
    assert [s.kind for s in licensing.stages] == ["marketing", "export"]
    assert licensing.first == "marketing"
    assert licensing.parent_of("export") == "marketing"
    assert licensing.parent_of("marketing") is None
    assert licensing.parent_of("dual-use") is None  # a kind the regime does not order


def test_the_two_stages_rest_on_the_sourced_fact() -> None:
    regime = bundled()["il-deca"]
    assert regime.licensing.facts == ("two-stage",)
    source, certainty = regime.cite(regime.licensing.facts)
    assert "regulatory-facts.md section 1" in source
    assert certainty == "S"  # secondary: law firms' reports of DECA practice


@pytest.mark.parametrize("regime_id", ["us-ear", "eu-dual-use"])
def test_other_regimes_need_one_export_licence(regime_id: str) -> None:
    licensing = bundled()[regime_id].licensing
    assert licensing == DEFAULT_LICENSING
    assert licensing.stages == (LicenceStage("export", None, "An export licence."),)
    assert licensing.parent_of("export") is None


def test_a_declared_sequence_is_read_from_the_file() -> None:
    """Any regime file may declare stages: the id plays no part."""
    text = bundled_text("us-ear").replace(
        "\nrules:",
        "\nlicensing:\n  facts: [export-scope]\n  stages:\n"
        "    - {kind: marketing, text: first}\n"
        "    - {kind: export, parent: marketing, text: then}\n\nrules:",
        1,
    )
    licensing = parse_text(text, "us-ear.yaml").licensing
    assert licensing.first == "marketing"
    assert licensing.parent_of("export") == "marketing"


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (("    - kind: export\n", "    - kind: exprot\n"), "licensing.stages.1.kind",
         "kind must be one of marketing, export, dual-use"),
        (("      parent: marketing\n", "      parent: concept\n"), "licensing.stages.1.parent",
         "not an earlier stage's kind"),
        (("    - kind: export\n", "    - kind: marketing\n"), "licensing.stages.1.kind",
         "duplicate stage 'marketing'"),
        (("  facts: [two-stage]\n  stages:", "  facts: []\n  stages:"), "licensing.facts",
         "at least one fact"),
        (("  facts: [two-stage]\n  stages:", "  facts: [two-stages]\n  stages:"),
         "licensing.facts", "unknown fact 'two-stages'"),
        (("  facts: [two-stage]\n  stages:", "  facts: [two-stage]\n  stagez:"),
         "licensing.stagez", "unknown key 'stagez'"),
        (("      parent: marketing\n", "      parent: marketing\n      needs: marketing\n"),
         "licensing.stages.1.needs", "unknown key 'needs'"),
    ],
)  # fmt: skip
def test_a_malformed_licensing_block_names_file_line_and_field(
    edit: tuple[str, str], field: str, message: str
) -> None:
    text = bundled_text("il-deca")
    assert edit[0] in text
    edited = text.replace(edit[0], edit[1], 1)
    with pytest.raises(RegimeError) as caught:
        parse_text(edited, FILE)
    error = caught.value
    assert (error.file, error.field) == (FILE, field)
    assert message in str(error)
    assert error.line is not None
    assert edited.splitlines()[error.line - 1].strip()



@pytest.mark.parametrize(
    ("regime_id", "path", "value", "message"),
    [
        ("il-deca", ("facts", 0), "dec-law", "must be a mapping"),
        ("il-deca", ("country_sets", "eligible-destinations", "versions", 0, "count"), "many",
         "count is a whole number"),
        ("il-deca", ("country_sets", "eligible-destinations", "versions", 0, "members"), "MX",
         "must be a list"),
        ("il-deca", ("rules", "il-eligible-destination", "country_set"),
         ["eligible-destinations"], "'country_set' must be text"),
        ("il-deca", ("rules", "il-eligible-destination", "member"), "licence_required",
         "'member' must be a mapping"),
        ("us-ear", ("rules", "us-ace", "unavailable"), {"id": "e1-e2"}, "must be a list"),
        ("us-ear", ("rules", "us-ace", "overcomes"), "us-cyber-licence", "must be a list"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_names_file_line_and_field(
    regime_id: str, path: tuple[str | int, ...], value: object, message: str
) -> None:
    """A value of another type than the format's is refused with the key path of the field
    (a rule by its number), not read as something else."""
    data = yaml.safe_load(bundled_text(regime_id))
    node, field = data, []
    for step in path:
        key = step
        if isinstance(node, list) and isinstance(step, str):  # a rule by its id
            key = next(i for i, rule in enumerate(node) if rule["id"] == step)
        field.append(str(key))
        parent, node = node, node[key]
    parent[key] = value
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    with pytest.raises(RegimeError) as caught:
        parse_text(text, f"{regime_id}.yaml")
    error = caught.value
    assert (error.file, error.field) == (f"{regime_id}.yaml", ".".join(field))
    assert message in str(error)
    assert error.line is not None
