"""The install: requirements.lock is complete, so `pip install --no-deps` resolves nothing.

A lock that leaves a dependency (or an extra's dependency) to the resolver installs today and
breaks the day the index publishes a newer release; these tests fail as soon as the lock stops
covering what accord and its dev tools need, on this interpreter and platform.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def locked_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    environment = dict(default_environment())
    for extra in extras or {""}:
        if requirement.marker.evaluate({**environment, "extra": extra}):
            return True
    return False


def requirement_closure() -> dict[str, set[str]]:
    """Every distribution accord[dev] needs here, with the extras asked of it."""
    needed: dict[str, set[str]] = {}
    queue: list[tuple[str, set[str]]] = [("accord", {"dev"})]
    while queue:
        name, extras = queue.pop()
        key = canonicalize_name(name)
        known = needed.get(key)
        if known is not None and extras <= known:
            continue
        needed[key] = (known or set()) | extras
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if applies(requirement, needed[key]):
                queue.append((requirement.name, set(requirement.extras)))
    return needed


def test_every_lock_line_is_pinned_exactly_with_a_hash() -> None:
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    requirement_blocks = [block for block in blocks if PIN.match(block)]
    assert len(requirement_blocks) == len(locked_pins()) > 50
    unhashed = [block.split()[0] for block in requirement_blocks if "--hash=sha256:" not in block]
    assert unhashed == []


def test_lock_covers_every_dependency_and_extra_so_no_deps_install_resolves_nothing() -> None:
    pins = locked_pins()
    needed = requirement_closure()
    missing = sorted(name for name in needed if name != "accord" and name not in pins)
    assert missing == [], f"requirements.lock lacks {missing}: run `make lock`"


def test_installed_versions_are_the_locked_ones() -> None:
    pins = locked_pins()
    drift = {
        name: (metadata.version(name), pins[name])
        for name in requirement_closure()
        if name in pins and metadata.version(name) != pins[name]
    }
    assert drift == {}


def test_installed_set_is_consistent_by_pip_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_makefile_installs_the_lock_without_resolving() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    install = re.search(r"pip install[^\n]*(?:\\\n[^\n]*)*-r requirements\.lock", makefile)
    assert install is not None
    assert "--no-deps" in install.group(0) and "--require-hashes" in install.group(0)
    assert "pip check" in makefile
