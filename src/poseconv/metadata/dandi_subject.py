"""What DANDI's validation refuses in a ``Subject`` block: nwbinspector's checks its DANDI configuration makes critical.

A file with such a subject is valid NWB, so it is written; every entry point warns, in the words of
:func:`refused_subject_values` (and :func:`~poseconv.metadata.checks.age_problem` for the age), before
``dandi validate`` refuses it; :func:`dandi_subject_gap` also says what DANDI misses. The rules are
nwbinspector's own, matched as it matches them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["SPECIES_FORM", "age_range_problem", "dandi_subject_gap", "refused_subject_values"]

# nwbinspector's forms of Subject.species and Subject.weight (check_subject_species_form, which its DANDI
# configuration makes critical, and check_subject_weight, critical), matched whole as it matches them.
#: The species form as nwbinspector writes it (the forms' anchored pattern is built from it).
SPECIES_FORM = r"([A-Z][a-z]* [a-z]+)|(http://purl.obolibrary.org/obo/NCBITaxon_\d+)"
_SPECIES_FORM = re.compile(SPECIES_FORM)
_WEIGHT_FORM = re.compile(r"(?i)^\d+(\.\d+)? (kg|g|mg|ug|μg|ng|pg)$")
# nwbinspector's check_subject_sex (critical for DANDI): C. elegans, named either way, takes XX or XO,
# every other species (or none) M, F, O or U.
_C_ELEGANS = ("Caenorhabditis elegans", "C. elegans")
_SEXES = ("M", "F", "O", "U")
_C_ELEGANS_SEXES = ("XX", "XO")


#: What DANDI requires of the fields it checks by form: nwbinspector's check_subject_species_form and
#: check_subject_weight.
_FORMS = {
    "species": (
        _SPECIES_FORM,
        "is neither a Latin binomial alone (genus and species, as 'Mus musculus'; a strain goes in strain) nor an "
        "NCBI taxonomy URL (http://purl.obolibrary.org/obo/NCBITaxon_10090), which DANDI's validation refuses",
    ),
    "weight": (
        _WEIGHT_FORM,
        "is not a number, a space and a unit (kg, g, mg, ug, μg, ng, pg), as '25 g', which DANDI's validation requires",
    ),
}


def _form_gap(key: str, value: Any) -> str | None:
    """Say why DANDI refuses the ``species`` or ``weight`` ``value`` (not in its form); None when it does not."""
    # A space around the value is a problem of its own (text_space_problems): the value is judged without it.
    form, why = _FORMS[key]
    if not isinstance(value, str) or not value.strip() or form.fullmatch(value.strip()):
        return None
    return f"{key} {value!r} {why}"


def _sex_gap(sex: Any, species: Any) -> str | None:
    """Say why DANDI refuses ``sex`` for ``species`` (check_subject_sex); None when it does not."""
    if not isinstance(sex, str) or not sex.strip():
        return None  # A missing sex is said with the other missing fields.
    named = species.strip() if isinstance(species, str) else None
    if named in _C_ELEGANS:
        if sex.strip() in _C_ELEGANS_SEXES:
            return None
        return (
            f"sex {sex!r} is not XX (hermaphrodite) or XO (male), which DANDI's validation requires for {named}, "
            "e.g. sex: XO for a male"
        )
    if sex.strip() in _SEXES:
        return None
    of = f"for {named}" if named else "for any species but C. elegans"
    return (
        f"sex {sex!r} is not M, F, O or U (male, female, other, unknown), which DANDI's validation requires {of} "
        "(XX and XO are C. elegans' sexes), e.g. sex: F"
    )


def _subject_id_gap(subject_id: Any) -> str | None:
    """Say why DANDI refuses ``subject_id`` (check_subject_id_no_slashes: it builds paths from it); else None."""
    if subject_id is None or "/" not in str(subject_id):
        return None
    return (
        f"subject_id {subject_id!r} holds '/', which DANDI's validation refuses (it names the subject's folder): "
        f"write - or _ instead, e.g. {str(subject_id).replace('/', '-')!r}"
    )


def refused_subject_values(subject: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Return ``(field, why)`` for each value of ``subject`` DANDI's validation refuses (the age aside).

    nwbinspector's checks, critical in its DANDI configuration: a species, a weight or a sex not written in
    their forms (the sex for the species), a subject_id with a '/'. pynwb writes any of them: the file is
    valid NWB but cannot be published as it is, so the converter warns of each, from every entry point.
    """
    subject = subject if isinstance(subject, Mapping) else {}
    species = subject.get("species")
    found = [
        ("subject_id", _subject_id_gap(subject.get("subject_id"))),
        ("species", _form_gap("species", species)),
        ("sex", _sex_gap(subject.get("sex"), species)),
        ("weight", _form_gap("weight", subject.get("weight"))),
    ]
    return [(key, why) for key, why in found if why is not None]


def dandi_subject_gap(subject: Mapping[str, Any] | None, *, values: bool = True) -> str | None:
    """Return what DANDI will miss or refuse in a ``Subject`` block; None when it has what DANDI requires.

    The file is valid NWB without them, but cannot be published on DANDI as it is: DANDI requires
    subject_id, species, sex and an age (or a date of birth), and its validation refuses the values
    :func:`refused_subject_values` says. The age's form is :func:`~poseconv.metadata.checks.age_problem`'s,
    which the converter says itself.

    Parameters
    ----------
    subject : mapping, optional
        The ``Subject`` block of the metadata.
    values : bool, default: True
        Say the refused values too; False for what is missing only (where the converter's own warnings
        say the values, as from ``poseconv convert``).

    Returns
    -------
    str or None
        What is missing and each value DANDI refuses, joined by "; "; None when there is nothing to say.
    """
    if not subject:
        return "no Subject; DANDI requires one (subject_id, species, sex and age)"
    missing = [key for key in ("subject_id", "species", "sex") if not subject.get(key)]
    if not subject.get("age") and not subject.get("date_of_birth"):
        missing.append("age")
    gaps = []
    if missing:
        # The age's form is said only when the age is missing; "it" or "them" as many as are missing.
        how = " (age as ISO 8601, e.g. P90D, or a date_of_birth)" if "age" in missing else ""
        gaps.append(f"no {', '.join(missing)}; DANDI requires {'them' if len(missing) > 1 else 'it'}{how}")
    refused = [why for _, why in refused_subject_values(subject)] if values else []
    return "; ".join(gaps + refused) or None


def age_range_problem(age: str) -> str | None:
    """Say why DANDI refuses an age range nwbinspector's check_subject_proper_age_range reports; None for others.

    The check (critical for DANDI) reads both bounds as durations ending now (a month is the calendar's):
    it is asked itself, so ``P1M/P30D`` is judged as DANDI judges it. It cannot count a fractional year or
    month in days (``P1.5Y/P2Y``) and stops with an error, which DANDI's validation reports as one.

    Parameters
    ----------
    age : str
        An age in the form :data:`~poseconv.metadata.checks.AGE_PATTERN` takes (checked before).

    Returns
    -------
    str or None
        What is wrong and the range to write, following the value in a message (``'P100D/P90D' is a range
        whose ...``); None for a single age, an open range (``P90D/``) or a range that increases.
    """
    lower, _, upper = age.partition("/")
    if not lower or not upper:
        return None
    from nwbinspector.checks import check_subject_proper_age_range
    from pynwb.file import Subject

    try:
        if check_subject_proper_age_range(Subject(age=age)) is None:
            return None
        swapped = f"{upper}/{lower}"
        increases = check_subject_proper_age_range(Subject(age=swapped)) is None
    except ValueError:
        return (
            "is a range with a fractional year or month, which nwbinspector cannot compare (its "
            "check_subject_proper_age_range stops with an error, and DANDI's validation refuses the file): write "
            "its bounds in whole years and months, or in days, e.g. 'P18M/P2Y' for 'P1.5Y/P2Y'."
        )
    # Bounds of one length (P90D/P90D, P12W/P84D) are one age, written alone; others are swapped.
    how = (
        f"write the younger age first, e.g. {swapped!r}"
        if increases
        else f"its bounds are one age: write it alone, e.g. {lower!r}"
    )
    return (
        "is a range whose upper bound is not longer than its lower: DANDI refuses the file, and nwbinspector "
        f"reports it (check_subject_proper_age_range); {how}."
    )
