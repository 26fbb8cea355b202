"""Compiles the engine's decision core with mypyc when it can.

The pure-Python modules stay the source of truth and work alone: with
FITCLAIM_PURE=1, or where mypyc is missing, nothing is compiled.
"""

import os

from setuptools import setup

COMPILED = [
    "src/fitclaim/domain/money.py",
    "src/fitclaim/domain/reasons.py",
    "src/fitclaim/domain/case_checks.py",
    "src/fitclaim/domain/engine.py",
]

ext_modules = []
if os.environ.get("FITCLAIM_PURE") != "1":
    try:
        from mypyc.build import mypycify
    except ImportError:
        pass
    else:
        ext_modules = mypycify(COMPILED, opt_level="3", group_name="fitclaim_engine")

setup(ext_modules=ext_modules)
