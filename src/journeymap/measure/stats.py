"""The statistics behind measure's flags and intervals, in plain Python (no SciPy).

A share of users (a stage's conversion) gets a Wilson score interval: unlike "p ± 1.96 × se"
it stays inside 0..1 and holds up for the small samples weekly tables often have. Two shares
are compared with the pooled two-proportion z-test, which counts the noise of both samples, so
9 of 20 against a baseline and 900 of 2,000 against the same baseline are told apart. A mean
(of survey scores) gets a Student t interval.
"""

from __future__ import annotations

import math

# the interval printed beside every share and mean: 95%
Z95 = 1.959964
# Student t quantiles (0.975) for 1 to 9 degrees of freedom; beyond, an expansion in 1/df
_T975 = (12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of successes / n, or None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def two_proportion_z(x1: int, n1: int, x0: int, n0: int) -> float | None:
    """z of x1/n1 against x0/n0 (pooled standard error); None when either sample is empty or
    the pooled share is 0 or 1 (no variation: nothing to test)."""
    if n1 <= 0 or n0 <= 0:
        return None
    pooled = (x1 + x0) / (n1 + n0)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n0)
    if variance <= 0:
        return None
    return (x1 / n1 - x0 / n0) / math.sqrt(variance)


def p_lower(x1: int, n1: int, x0: int, n0: int) -> float | None:
    """One-sided p-value that x1/n1 is below x0/n0 (small when it clearly is)."""
    z = two_proportion_z(x1, n1, x0, n0)
    return None if z is None else normal_cdf(z)


def p_either(x1: int, n1: int, x0: int, n0: int) -> float | None:
    """Two-sided p-value that x1/n1 differs from x0/n0."""
    z = two_proportion_z(x1, n1, x0, n0)
    return None if z is None else 2 * normal_cdf(-abs(z))


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with df degrees of freedom (to 4 decimals)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z95
    # Cornish-Fisher expansion of t in 1/df around the normal quantile
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def mean_interval(mean: float, sd: float | None, n: int) -> tuple[float, float] | None:
    """The 95% t interval of a mean of n values with sample standard deviation sd; None below 2."""
    if n < 2 or sd is None:
        return None
    half = t975(n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half
