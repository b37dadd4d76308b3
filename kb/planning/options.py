"""The planner's options as the CLI, the report and the web service take them
(text in, checked values out), so all three refuse the same input alike."""
from __future__ import annotations

from kb.io.options import seconds, whole
from kb.planning.calls import CALL_MONTH, PROCESSING_MONTHS
from kb.planning.result import DEFAULT_TIMEOUT

DEFAULTS = {"horizon": "3", "timeout": str(DEFAULT_TIMEOUT), "call_month": str(CALL_MONTH),
            "processing_months": str(PROCESSING_MONTHS)}
# The range of each option, here once: the text read here and the values the
# Planner is given (kb/planning/planner.py) are held to the same bounds.
RANGES = {"horizon": (0, 50), "timeout": (0.1, 3600), "call_month": (1, 12), "processing_months": (0, 60)}


def plan_options(horizon=DEFAULTS["horizon"], timeout=DEFAULTS["timeout"], call_month=DEFAULTS["call_month"],
                 processing_months=DEFAULTS["processing_months"]) -> dict:
    return {"horizon": whole(horizon, "--horizon", *RANGES["horizon"]),
            "timeout": seconds(timeout, "--timeout", *RANGES["timeout"]),
            "call_month": whole(call_month, "--call-month", *RANGES["call_month"]),
            "processing_months": whole(processing_months, "--processing-months", *RANGES["processing_months"])}
