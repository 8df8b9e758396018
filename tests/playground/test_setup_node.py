"""Setup gets a Node.js the npm tools support (20 or later) by itself, and the tests use it.

Debian 12's Node is 18; eslint-config-wikimedia, stylelint 17 and friends need 20. The choice
is ``scripts/node.sh`` (sourced by ``scripts/setup.sh``); here it runs with stand-in ``node``
and ``npm`` commands that print a version or record what they were asked, so every branch is
tried without touching the machine's Node or the registry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "node.sh"


def fake_node(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    node = folder / "node"
    node.write_text(f"#!/bin/sh\necho '{version}'\n")
    node.chmod(0o755)
    return node


def run(tmp_path: Path, *args: str, path: list[Path], npm_makes: str | None = None):
    """scripts/node.sh with PATH = *path* (+ /usr/bin for bash's own tools) and .node/ in tmp."""
    bin_dir = tmp_path / "npm-bin"
    if npm_makes is not None:  # an npm that "installs" a node of that version, and logs
        bin_dir.mkdir(exist_ok=True)
        npm = bin_dir / "npm"
        npm.write_text("#!/bin/sh\n"
                       f"echo \"$@\" > '{tmp_path / 'npm-args'}'\n"
                       f"mkdir -p '{tmp_path / 'local' / 'node_modules' / '.bin'}'\n"
                       f"printf '#!/bin/sh\\necho {npm_makes}\\n' > "
                       f"'{tmp_path / 'local' / 'node_modules' / '.bin' / 'node'}'\n"
                       f"chmod +x '{tmp_path / 'local' / 'node_modules' / '.bin' / 'node'}'\n")
        npm.chmod(0o755)
        path = [bin_dir, *path]
    env = {"PATH": os.pathsep.join(str(p) for p in [*path, "/usr/bin", "/bin"]),
           "WIKITOURS_NODE_DIR": str(tmp_path / "local"), "HOME": str(tmp_path)}
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def version_check(*versions: str) -> list[str]:
    script = f"source '{SCRIPT}'; for v in \"$@\"; do node_major \"$v\"; " \
             "if node_supported \"$v\"; then echo yes; else echo no; fi; done"
    done = subprocess.run(["bash", "-c", script, "check", *versions], capture_output=True,
                          text=True, timeout=30, check=True)
    return done.stdout.split()


def test_version_check():
    got = version_check("v18.19.0", "v20.0.0", "v22.11.0", "v100.1.2", "v9.11.2", "",
                        "18.19.0", "vx.y.z", "v20", "bash: node: not found")
    assert got == ["18", "no", "20", "yes", "22", "yes", "100", "yes", "9", "no", "0", "no",
                   "0", "no", "0", "no", "0", "no", "0", "no"]


def test_a_recent_system_node_is_used_as_it_is(tmp_path):
    system = fake_node(tmp_path / "system", "v22.3.0")
    done = run(tmp_path, path=[system.parent])
    assert done.returncode == 0 and done.stdout.strip() == str(system)


def test_debian_node_18_is_refused_with_a_reason(tmp_path):
    system = fake_node(tmp_path / "system", "v18.19.0")
    done = run(tmp_path, path=[system.parent])
    assert done.returncode == 1 and done.stdout == ""
    assert "v18.19.0" in done.stderr and "20" in done.stderr and "./dev setup" in done.stderr


def test_install_puts_a_supported_node_in_dot_node_and_says_so(tmp_path):
    system = fake_node(tmp_path / "system", "v18.19.0")
    done = run(tmp_path, "--install", path=[system.parent], npm_makes="v20.19.5")
    local = tmp_path / "local" / "node_modules" / ".bin" / "node"
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(local)
    assert "installing node@20" in done.stderr and "using Node.js v20.19.5" in done.stderr
    args = (tmp_path / "npm-args").read_text().split()
    assert args[0] == "install" and "--prefix" in args and args[args.index("--prefix") + 1] == \
        str(tmp_path / "local") and any(a.startswith("node@20.") for a in args)
    # from then on the local one is chosen without installing again
    (tmp_path / "npm-args").unlink()
    again = run(tmp_path, "--install", path=[system.parent], npm_makes="v20.19.5")
    assert again.stdout.strip() == str(local) and not (tmp_path / "npm-args").exists()


def test_install_that_gives_no_working_node_fails_loudly(tmp_path):
    system = fake_node(tmp_path / "system", "v18.19.0")
    done = run(tmp_path, "--install", path=[system.parent], npm_makes="v18.0.0")
    assert done.returncode == 1 and "did not give a working node" in done.stderr


def test_no_node_at_all(tmp_path):
    tools = tmp_path / "tools"  # bash and dirname, no node
    tools.mkdir()
    for name in ("bash", "dirname"):
        (tools / name).symlink_to(shutil.which(name))
    done = subprocess.run([str(tools / "bash"), str(SCRIPT)], capture_output=True, text=True,
                          timeout=30, env={"PATH": str(tools),
                                           "WIKITOURS_NODE_DIR": str(tmp_path / "l")})
    assert done.returncode == 1 and "no Node.js found" in done.stderr, done.stderr


def test_setup_runs_npm_on_the_chosen_node():
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    choose = setup.index("scripts/node.sh --install")
    assert choose < setup.index("npm ci") and 'export PATH="$(dirname "$NODE"):$PATH"' in setup


def test_the_lint_tests_run_on_the_supported_node():
    from tests.gadget.test_gadget_unit import supported_node

    node = supported_node()
    version = subprocess.run([node, "--version"], capture_output=True, text=True,
                             timeout=30).stdout.strip()
    assert version_check(version)[1] == "yes", (node, version)
    unit = (ROOT / "tests" / "gadget" / "test_gadget_unit.py").read_text(encoding="utf-8")
    assert 'subprocess.run([str(BIN' not in unit  # never `#!/usr/bin/env node`


