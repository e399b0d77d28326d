"""Real-browser tests: Playwright for Python driving Debian's Chromium against a live server."""

import importlib.util
import os
import shutil
from pathlib import Path

from django.conf import settings

# Debian's package; Playwright's own browser download is never used (and cannot be fetched here).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def unavailable_reason():
    """Why the browser tests cannot run on this machine, or "" when they can."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing (make install)"
    return ""


AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def axe(page):
    """Runs axe-core with the WCAG 2.1 A/AA rules; returns {impact: [rule id, …]} for violations."""
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `make install` (needs npm)"
    page.add_script_tag(path=AXE_JS)
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                       resultTypes: ["violations"]})
            .then(result => result.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))""",
        WCAG_21_AA,
    )
    found = {}
    for violation in violations:
        found.setdefault(violation["impact"], []).append(violation)
    return found


def blocking(found):
    """The serious and critical violations, which fail a test."""
    return found.get("critical", []) + found.get("serious", [])


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
