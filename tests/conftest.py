"""Shared fixtures. Each KnowledgeBase owns its own pyDatalog logic (kb/reasoning/datalog.py)
and re-activates it on every query, so tests share built bases safely; they are
cached per switch setting because building one compiles every encoded article."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from kb.reasoning.base import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
_CACHE: dict[tuple, KnowledgeBase] = {}


def knowledge_base(**switches: str) -> KnowledgeBase:
    key = tuple(sorted(switches.items()))
    if key not in _CACHE:
        _CACHE[key] = KnowledgeBase(ROOT / "facts", switches)
    return _CACHE[key]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return knowledge_base()


def apply_changes(base: dict, set_: dict | None = None, unset: list | None = None) -> dict:
    """The base profile with dotted paths replaced or removed (lists and maps replace whole)."""
    data = copy.deepcopy(base)
    for path, value in (set_ or {}).items():
        *parents, leaf = path.split(".")
        cur = data
        for key in parents:
            cur = cur.setdefault(key, {})
        cur[leaf] = copy.deepcopy(value)
    for path in unset or []:
        *parents, leaf = path.split(".")
        cur = data
        for key in parents:
            cur = cur.get(key, {})
        if isinstance(cur, dict):
            cur.pop(leaf, None)
    return data


def chromium(*extra_args: str, height: int = 1600):
    """Debian's headless Chromium through its ChromeDriver (installed by .ci/run).
    Missing is a failure, never a skip: the pages must be looked at."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert binary and driver_path, "Chromium and ChromeDriver are needed (apt-get install chromium chromium-driver)"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size=1280,{height}", *extra_args):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(120)
    return driver
