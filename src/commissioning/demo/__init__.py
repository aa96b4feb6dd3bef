"""The deterministic synthetic demo: three commissioning communities modelled on Calderdale,
Somerset and Wirral around 2010-2012, with every record flagged synthetic.

    from commissioning.demo import build_demo
    result = build_demo(seed=2010, password=None)   # into the configured database
    for login in result.logins: ...
"""

from commissioning.demo.build import SYNTHETIC_NOTICE, DemoResult, build_demo
from commissioning.demo.logins import Login

__all__ = ["SYNTHETIC_NOTICE", "DemoResult", "Login", "build_demo"]
