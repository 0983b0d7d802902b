"""Predictions DeepLabCut's ``filterpredictions`` smoothed, known by their name: ``<video><scorer>[_el]_filtered``.

``filterpredictions`` (``deeplabcut/post_processing/filtering.py``) reads an analysis ``.h5``, filters each body
part's x and y over time and saves the result as ``filepath.replace(".h5", "_filtered.h5")`` (and, with
``save_as_csv``, the ``.csv`` of that name) with the same key, scorer and columns: a tracked file's
``_el.h5`` gives ``_el_filtered.h5``. DeepLabCut 2.0.7 to 2.1.8 (``CheckifPostProcessing``) appended ``filtered``
without the underscore. The filter (``filtertype``: ``"median"``, the default, ``"arima"`` or, from DeepLabCut
2.1.10, ``"spline"``) and its parameters are recorded nowhere: not in the table, nor in the analysis's
``_meta.pickle``, which the filtered file shares. The median and ARIMA filters keep the network's likelihood;
the spline fills gaps too, and gives the points it filled the likelihood 0.01.
"""

from __future__ import annotations

import re
from pathlib import Path

from .table import scorer_span

__all__ = ["filtered_note"]

# What follows the scorer in a filtered file's name: a tracker's suffix (model_info's tracked names), then
# "_filtered" (DeepLabCut >= 2.1.10) or "filtered" (2.0.7 to 2.1.8, when there were neither trackers nor the spline).
_FILTERED_TAIL = re.compile(r"^(?P<tracker>_(?:el|sk|bx|id|tr|ctd))?(?P<underscore>_?)filtered$")


def filtered_note(path: Path, scorer: str) -> str | None:
    """Return what a description says of predictions ``filterpredictions`` smoothed; None for other files.

    Parameters
    ----------
    path : pathlib.Path
        The predictions file; only its name counts (``<video><scorer>[_<tracker>]_filtered.h5`` / ``.csv``).
    scorer : str
        The file's scorer, which its name holds.

    Returns
    -------
    str or None
        The sentence: the analysis file filtered, the filters DeepLabCut of that naming offers, that which one
        is not recorded, and what each does to the likelihood.
    """
    span = scorer_span(path.stem, scorer)
    matched = _FILTERED_TAIL.match(path.stem[span[1] :]) if span is not None else None
    if span is None or matched is None:
        return None
    unfiltered = f"{path.stem[: span[1]]}{matched['tracker'] or ''}.h5"
    if matched["underscore"]:
        named = "'_filtered'"
        filters = "a median filter (the default), an ARIMA model or a cubic spline"
        likelihood = "The likelihood is the network's, except where the spline filled a gap, set to 0.01."
    else:
        named = "'filtered', as DeepLabCut before 2.1.10 named it"
        filters = "a median filter (the default) or an ARIMA model"
        likelihood = "The likelihood is the network's."
    return (
        f"Filtered predictions: DeepLabCut's filterpredictions smoothed the x and y of {unfiltered} over time (the "
        f"file's name ends in {named}) with {filters}; which one, and its parameters, is not recorded. {likelihood}"
    )
