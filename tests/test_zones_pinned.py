"""Time zones come from the pinned tzdata package, not the machine's files (engine.zones):
the same scenario and seed make the same log on any machine, and the analytics agree."""

import json
import os
import subprocess
import sys
from datetime import date
from importlib.resources import files
from pathlib import Path

import tzdata

from engine import zones
from engine.content.templates import TemplateSource
from engine.run import create_run, read_manifest
from engine.scenario import default_scenario

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter (zoneinfo reads PYTHONTZPATH when it is imported): a week of the
# default team, its log's hash, and the analytics' offsets for both of its zones.
PROGRAM = """
import hashlib, json, msgspec
from engine import events as ev, scenario as sc
from engine.content.templates import TemplateSource
from engine.world import World
from adapters.analytics.zone_offsets import offset_stretches

scenario = sc.resolve(msgspec.structs.replace(sc.default_scenario(), days=7))
digest = hashlib.sha256()
World(scenario, TemplateSource(), lambda e: digest.update(ev.encode(e))).run()
offsets = {z: offset_stretches(z, 1767225600, 1798761600)  # 2026
           for z in ("America/Los_Angeles", "America/New_York")}
print(json.dumps({"log": digest.hexdigest(), "offsets": offsets}))
"""


def run_with_tzpath(tzpath: str) -> dict:
    env = {**os.environ, "PYTHONTZPATH": tzpath, "BUSYWORK_PURE_PYTHON": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_machines_zone_files_do_not_change_a_run_or_its_local_hours(tmp_path):
    """A machine whose database says Los Angeles and New York keep Tokyo's time (a stand-in for
    any other release of the rules) makes the same log as a machine with no database at all."""
    machine = tmp_path / "zoneinfo"
    tokyo = files("tzdata.zoneinfo").joinpath("Asia", "Tokyo").read_bytes()
    for zone in ("America/Los_Angeles", "America/New_York", "UTC"):
        (machine / zone).parent.mkdir(parents=True, exist_ok=True)
        (machine / zone).write_bytes(tokyo)
    odd = run_with_tzpath(str(machine))
    none = run_with_tzpath(str(tmp_path / "no-such-database"))
    assert odd == none
    assert odd["offsets"]["America/New_York"][0][2] == -5 * 3600  # not Tokyo's +9


def test_the_pinned_database_is_the_packages():
    import zoneinfo

    assert zoneinfo.TZPATH == ()
    assert zones.version() == tzdata.IANA_VERSION


def test_a_runs_manifest_records_the_database_and_older_manifests_still_read(tmp_path):
    scenario = default_scenario()
    create_run(tmp_path / "run", scenario, TemplateSource())
    assert read_manifest(tmp_path / "run").tzdata == tzdata.IANA_VERSION
    older = json.loads((ROOT / "replays/samples/default-7d/manifest.json").read_text())
    assert "tzdata" not in older
    (tmp_path / "old").mkdir()
    (tmp_path / "old/manifest.json").write_text(json.dumps(older))
    assert read_manifest(tmp_path / "old").tzdata == ""
    assert read_manifest(tmp_path / "old").scenario.start == date(2026, 1, 5)
