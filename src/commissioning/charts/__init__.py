"""Charts: one Altair chart serves both the web page and static export (reports).

- In a page, :func:`chart_spec` gives the Vega-Lite specification; the template puts it in a
  ``<script type="application/json">`` data block (``{{ spec|json_script:"id" }}``) and the static
  script ``web/charts.js`` draws it with the vendored Vega, so pages need no inline script.
- For reports, :func:`chart_svg` and :func:`chart_png` draw the same chart with vl-convert,
  offline: no data or font is fetched from the network.

Every chart shown in a page must come with a text alternative and a data table of its values.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt

VEGA_LITE_MAJOR_MINOR = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])

# NHS identity colours: blue and warm yellow differ in lightness as well as hue; charts must also
# vary shape or position, never colour alone.
NHS_BLUE = "#005eb8"
NHS_WARM_YELLOW = "#ffb81c"
NHS_DARK_GREY = "#425563"
FONT = "Arial, sans-serif"

THEME_CONFIG: dict[str, Any] = {
    "font": FONT,
    "axis": {"labelFontSize": 14, "titleFontSize": 14, "labelColor": "#212b32"},
    "legend": {"labelFontSize": 14, "titleFontSize": 14},
    "view": {"stroke": None},
}


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite specification with its data inline, ready to embed as JSON.

    Altair checks each part of a chart against the schema as it is built; checking the whole
    specification again here took most of a monitoring page's time, so it is skipped
    (tests/integration/web/test_monitoring_scale.py validates page specifications against the
    schema).
    """
    spec = chart.to_dict(validate=False)
    config = spec.setdefault("config", {})
    for key, value in THEME_CONFIG.items():
        config.setdefault(key, value)
    return spec


def chart_json(chart: alt.TopLevelMixin) -> str:
    return json.dumps(chart_spec(chart), separators=(",", ":"))


def _vl_version() -> str | None:
    import vl_convert as vlc

    wanted = VEGA_LITE_MAJOR_MINOR
    return wanted if wanted in vlc.get_vegalite_versions() else None


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart drawn as SVG text, for reports. Nothing is fetched from the network."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart_spec(chart), vl_version=_vl_version(), allowed_base_urls=[])


def chart_png(chart: alt.TopLevelMixin, *, scale: float = 2) -> bytes:
    """The chart drawn as a PNG image (``scale`` 2 suits print), for reports."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(
        chart_spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )


PRINT_WIDTH = 640


def spec_svg(spec: dict, *, width: int = PRINT_WIDTH) -> str:
    """A page's chart specification (from :func:`chart_spec`) drawn as SVG for print: the same
    chart, with a fixed width where the page fills its container. Nothing is fetched."""
    import vl_convert as vlc

    spec = {**spec, "width": width} if spec.get("width") == "container" else spec
    return vlc.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])
