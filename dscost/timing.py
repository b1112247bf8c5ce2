"""The timing protocol of `dscost bench`: warm-up, then paired rounds until the answer is sure.

Every round runs each session once, in alternating order (A B, then B A), so a change in
the machine's load hits both alike and the per-round ratio A/B is a paired measurement.
Rounds go on until the 95% confidence interval of the median ratio (of the median latency,
for one session) is within :data:`TARGET_CI` of it -- early, once it is narrow and a
quarter of ``--budget`` has passed -- or, when the machine is noisy, up to
:data:`CAP_FACTOR` times the budget; never more than ``--runs`` rounds.  The interval is
distribution-free (order statistics of the samples: no normality assumed).

Reported: median, p10 and p90 (linear interpolation between order statistics).  When
(p90 - p10) / median exceeds :data:`NOISE_THRESHOLD` the result carries a notice that the
machine is too noisy for a confident number.  No onnxruntime import here: sessions are
anything with ``run(None, feeds)``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from math import floor, sqrt

from dscost.errors import InputError

TARGET_CI = 0.03  # relative half-width of the 95% interval that ends the rounds early
CAP_FACTOR = 3.0  # a noisy machine gets up to this many times --budget
NOISY_CI = 0.10  # a speedup whose 95% CI is wider than this either way is not a confident number


NOISE_THRESHOLD = 0.25  # (p90 - p10) / median above this -> "too noisy" notice


MIN_RUNS = 5


def percentile(values: list[float], q: float) -> float:
    """q-th percentile (0..100), linear interpolation between order statistics (numpy's default)."""
    if not values:
        raise ValueError("no values")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


@dataclass
class Timing:
    """Latency samples of one session, milliseconds."""

    samples_ms: list[float]

    @property
    def runs(self) -> int:
        return len(self.samples_ms)

    @property
    def median_ms(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p10_ms(self) -> float:
        return percentile(self.samples_ms, 10)

    @property
    def p90_ms(self) -> float:
        return percentile(self.samples_ms, 90)

    @property
    def spread(self) -> float:
        """(p90 - p10) / median: relative width of the middle 80% of runs."""
        m = self.median_ms
        return (self.p90_ms - self.p10_ms) / m if m > 0 else 0.0

    @property
    def noisy(self) -> bool:
        return self.spread > NOISE_THRESHOLD


def summary(t: Timing) -> dict:
    """The statistics of a Timing, rounded to 0.1 us (the calibration profile and JSON outputs)."""
    return {
        "median_ms": round(t.median_ms, 4),
        "p10_ms": round(t.p10_ms, 4),
        "p90_ms": round(t.p90_ms, 4),
        "spread": round(t.spread, 4),
        "runs": t.runs,
    }


def gmacs_per_s(macs: int, ms: float) -> float:
    """Achieved rate: MACs / time, in 1e9 MAC/s."""
    return macs / (ms * 1e-3) / 1e9 if ms > 0 else 0.0


def noise_notice(label: str, t: Timing) -> str | None:
    if not t.noisy:
        return None
    return (
        f"{label}: the machine is too noisy for a confident number: p10-p90 spread is {t.spread:.0%} of the median "
        f"(threshold {NOISE_THRESHOLD:.0%}); close other programs or raise --budget"
    )


def check_budget(budget_s: float, max_runs: int) -> None:
    if not 0 < budget_s < float("inf"):
        raise InputError(f"--budget {budget_s:g}: must be a positive, finite number of seconds")
    if max_runs < 1:
        raise InputError(f"--runs {max_runs}: must be >= 1")



def median_ci(values: list[float], z: float = 1.96) -> tuple[float, float]:
    """Distribution-free ~95% confidence interval of the median: the order statistics
    x(k) and x(n-k+1) with k = floor((n - z*sqrt(n)) / 2) (the binomial(n, 1/2) bound);
    (min, max) when there are too few values for that."""
    s = sorted(values)
    n = len(s)
    k = floor((n - z * sqrt(n)) / 2)
    if k < 1:
        return s[0], s[-1]
    return s[k - 1], s[n - k]


def relative_half_width(values: list[float]) -> float:
    lo, hi = median_ci(values)
    m = percentile(values, 50)
    return (hi - lo) / 2 / m if m > 0 else float("inf")


@dataclass
class Rounds:
    """What :func:`time_sessions` measured: a Timing per session, the paired ratios of the
    first session over the second (when there are two), and why the rounds stopped."""

    timings: dict[str, Timing]
    ratios: list[float] = field(default_factory=list)
    stopped: str = ""  # "narrow" (the interval reached TARGET_CI), "cap" (CAP_FACTOR x budget) or "runs" (--runs)

    @property
    def ratio_ci(self) -> tuple[float, float] | None:
        return median_ci(self.ratios) if self.ratios else None


def time_sessions(
    sessions: dict[str, tuple[object, dict]],
    budget_s: float = 2.0,
    max_runs: int = 1000,
    warmup: int = 3,
    min_runs: int = MIN_RUNS,
    progress=None,
) -> Rounds:
    """Warm up every session, then time paired rounds (see the module docstring).
    ``progress``: a :class:`dscost.progress.Progress` to report to, or None."""
    check_budget(budget_s, max_runs)
    names = list(sessions)
    what = " and ".join(names)
    if progress is not None:
        progress.stage(f"warming up {what}", total=None)
    for name, (sess, feeds) in sessions.items():
        for _ in range(warmup):
            sess.run(None, feeds)
    samples: dict[str, list[float]] = {name: [] for name in sessions}
    ratios: list[float] = []
    min_runs = min(max(min_runs, 1), max_runs)
    start = time.perf_counter()
    rounds = 0
    stopped = "runs"
    while rounds < max_runs:
        order = names if rounds % 2 == 0 else names[::-1]
        for name in order:
            sess, feeds = sessions[name]
            t0 = time.perf_counter_ns()
            sess.run(None, feeds)
            samples[name].append((time.perf_counter_ns() - t0) / 1e6)
        if len(names) >= 2 and samples[names[1]][-1] > 0:
            ratios.append(samples[names[0]][-1] / samples[names[1]][-1])
        rounds += 1
        elapsed = time.perf_counter() - start
        if progress is not None:  # percent of the budget; past it, the rounds go on while the interval is wide
            extra = " (the interval is still wide: going on)" if elapsed > budget_s else ""
            progress.stage(f"timing {what}: {rounds} rounds{extra}", total=100, completed=int(100 * min(elapsed / budget_s, 1.0)))
        if rounds < min_runs:
            continue
        narrow = relative_half_width(ratios if ratios else samples[names[0]]) <= TARGET_CI
        if narrow and elapsed >= budget_s / 4:
            stopped = "narrow"
            break
        if elapsed >= budget_s * CAP_FACTOR:
            stopped = "cap"
            break
    return Rounds({name: Timing(s) for name, s in samples.items()}, ratios, stopped)


def ci_notice(what: str, ratios: list[float]) -> str:
    lo, hi = median_ci(ratios)
    return (f"{what}: the machine is too noisy for a confident number: the 95% CI is {lo:.2f}-{hi:.2f}x, "
            f"wider than {NOISY_CI:.0%} either way; close other programs or raise --budget")  # fmt: skip
