"""Conformance of what the archive publishes, checked by validators independent of our code.

docs/standards.md lists each output, the standard it follows and the test here that checks it.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

# The Nu Html Checker (the W3C validator's engine) from the npm package vnu-jar, pinned in
# package-lock.json; it runs on Debian's headless JRE (`make install` and .ci/run install both).
VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_messages(documents):
    """Checks {name: bytes} in one run of the checker (one JVM start for the whole batch).

    A name ending in «.css» is checked as CSS, any other as HTML (with its style attributes).
    Returns "name:line: message" for each error and warning, in the order of the documents.
    """
    java = shutil.which("java")
    assert java, "java is missing: apt-get install default-jre-headless (make install does it)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `make install` (needs npm)"
    names = list(documents)
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for index, name in enumerate(names):
            suffix = ".css" if name.endswith(".css") else ".html"
            path = Path(folder) / f"{index:03d}{suffix}"
            path.write_bytes(documents[name])
            files.append(str(path))
        command = [java, "-jar", str(VNU_JAR), "--also-check-css", "--format", "json"]
        result = subprocess.run(
            [*command, "--exit-zero-always", *files],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    report = json.loads(result.stderr)
    found = []
    for message in report["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        index = int(Path(message.get("url", "/999")).stem)
        name = names[index] if index < len(names) else "?"
        line = message.get("lastLine", "?")
        found.append((index, f"{name}:{line}: {message['type']}: {message['message']}"))
    return [text for _, text in sorted(found, key=lambda pair: pair[0])]
