"""The planner's options as the CLI, the report and the web service take them
(text in, checked values out), so all three refuse the same input alike."""
from __future__ import annotations

from kb.io.options import seconds, whole
from kb.planning.calls import CALL_MONTH, PROCESSING_MONTHS
from kb.planning.result import DEFAULT_TIMEOUT

DEFAULTS = {"horizon": "3", "timeout": str(DEFAULT_TIMEOUT), "call_month": str(CALL_MONTH),
            "processing_months": str(PROCESSING_MONTHS)}


def plan_options(horizon=DEFAULTS["horizon"], timeout=DEFAULTS["timeout"], call_month=DEFAULTS["call_month"],
                 processing_months=DEFAULTS["processing_months"]) -> dict:
    return {"horizon": whole(horizon, "--horizon", 0, 50), "timeout": seconds(timeout),
            "call_month": whole(call_month, "--call-month", 1, 12),
            "processing_months": whole(processing_months, "--processing-months", 0, 60)}
