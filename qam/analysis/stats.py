"""The two statistics QAM's evidence rests on, in a few lines each, checked in the tests
against the libraries statisticians use (statsmodels' `proportion_confint(method="wilson")`
and scikit-learn's `cohen_kappa_score(weights="linear")`), so the default install stays light.

- A compliance rate from a record audit, with its 95% Wilson score interval: it stays inside
  0 to 1 and behaves at small samples and at 0% or 100%, where the textbook "p ± 1.96·se"
  interval does not (Brown, Cai and DasGupta 2001, "Interval estimation for a binomial
  proportion").
- Cohen's kappa with linear weights for two reviewers' grades on an ordinal scale: agreement
  beyond chance, where grades one step apart count as partly agreeing (Cohen 1968).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z_95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for `successes` of `trials` (fractions), or None for 0 trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes of {trials} trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def weighted_kappa(first: Sequence[int], second: Sequence[int], categories: int) -> float | None:
    """Cohen's kappa with linear weights for paired ratings 0..categories-1 on an ordinal scale.

    Disagreement between categories i and j weighs |i - j| / (categories - 1); kappa is
    1 - observed weighted disagreement / the disagreement expected from the two raters'
    margins. None when there are no pairs, or when chance alone would give no disagreement
    (both raters always gave one and the same grade), where kappa is undefined.
    """
    n = len(first)
    if n != len(second):
        raise ValueError("the two raters must rate the same items")
    if n == 0:
        return None
    span = max(categories - 1, 1)
    row = [0] * categories
    col = [0] * categories
    observed = 0.0
    for a, b in zip(first, second, strict=True):
        row[a] += 1
        col[b] += 1
        observed += abs(a - b) / span
    expected = sum(
        row[i] * col[j] * abs(i - j) / span for i in range(categories) for j in range(categories)
    )
    expected /= n
    if expected == 0:
        return None
    return 1 - observed / expected
