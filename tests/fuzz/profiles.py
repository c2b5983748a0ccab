"""How hard the fuzz tests try: a few examples in the suite, many with ``make fuzz``.

``FUZZ_EXAMPLES=500`` (what ``make fuzz`` sets) runs every fuzz test with that many examples
and fresh randomness; without it each test runs its small, fixed ("derandomised") set, so the
suite stays fast and a failure in CI can be reproduced exactly. The profiles are applied per
test, never loaded globally, so other tests that use Hypothesis keep their own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: Examples per test for the long run; 0 means the suite's short run.
LONG = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)

_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
settings.register_profile(
    "tracker-ci",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
    # No shrinking in the suite: a failure is reported as found (schemathesis prints it as a
    # curl command), and a known failure does not cost minutes; make fuzz shrinks.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.register_profile(
    "tracker-fuzz",
    deadline=None,
    max_examples=max(LONG, 1),
    suppress_health_check=_QUIET,
    print_blob=True,  # a failure prints the line that replays it
)
_BASE = settings.get_profile("tracker-fuzz" if LONG else "tracker-ci")


def examples(in_suite: int) -> settings:
    """Settings for one fuzz test: ``in_suite`` examples in the suite, LONG with make fuzz."""
    return settings(_BASE, max_examples=LONG or in_suite)
