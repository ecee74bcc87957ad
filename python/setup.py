"""Builds liblogstore.so with Swift and installs it inside the package.

``pip install ./python`` runs ``scripts/build-clib.sh`` of the repository this folder sits in.
``LOGSTORE_LIBRARY=/path/to/liblogstore.so`` installs that file instead (no Swift needed).
The wheel is tagged for the platform (the package holds a native library) but for any
Python 3 (the code is pure Python over ctypes).
"""

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent


def library() -> Path:
    given = os.environ.get("LOGSTORE_LIBRARY")
    if given:
        return Path(given)
    script = HERE.parent / "scripts" / "build-clib.sh"
    if not script.exists():
        raise SystemExit(f"cannot build liblogstore.so: {script} is missing; set LOGSTORE_LIBRARY to a built library")
    dist = subprocess.run([str(script)], check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    return Path(dist) / "lib" / "liblogstore.so"


class BuildWithLibrary(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "logstore" / "liblogstore.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library(), target)


class NativeDistribution(Distribution):
    def has_ext_modules(self) -> bool:  # a platform wheel, not a pure one
        return True


cmdclass = {"build_py": BuildWithLibrary}
try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        return "py3", "none", sysconfig.get_platform().replace("-", "_").replace(".", "_")


cmdclass["bdist_wheel"] = PlatformWheel
setup(cmdclass=cmdclass, distclass=NativeDistribution)
