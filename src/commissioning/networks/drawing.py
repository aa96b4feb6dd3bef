"""The network drawing: one Vega (not Vega-Lite) force-directed specification for page and print.

In a page the specification goes in a ``<script type="application/json">`` data block and the
static ``web/charts.js`` draws it with the vendored Vega (vega-embed reads the ``$schema`` and
treats it as Vega). For reports, :func:`drawing_svg` and :func:`drawing_png` draw the same
specification with vl-convert, offline. Printed drawings run the layout to the end before
drawing (``static``); on the page the layout settles in view and nodes can be dragged.

Nodes are coloured by type (stakeholder role) and shaped by whether the person answered the
survey (circle) or was only named (diamond), so colour is never the only cue; their area is
proportional to the chosen influence measure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from commissioning.store.models import RoleType

VEGA_SCHEMA = "https://vega.github.io/schema/vega/v6.json"
FONT = "Arial, sans-serif"
# One colour per stakeholder role, fixed so that a role has the same colour on every drawing.
# NHS palette first (blue, warm yellow, green, purple, dark pink...), then distinct others.
TYPE_COLOURS = {
    RoleType.GP: "#005eb8",
    RoleType.SPECIALIST_NURSE: "#009639",
    RoleType.CONSULTANT: "#ffb81c",
    RoleType.COMMISSIONING_MANAGER: "#d5281b",
    RoleType.PUBLIC_HEALTH: "#330072",
    RoleType.PROVIDER_MANAGER: "#7c2855",
    RoleType.THIRD_SECTOR: "#00a499",
    RoleType.PATIENT_REPRESENTATIVE: "#ed8b00",
    RoleType.LOCAL_AUTHORITY_OFFICER: "#425563",
    RoleType.FINANCE: "#768692",
    RoleType.CONTRACTS: "#aeb7bd",
}
SIZE_FIELDS = {"pagerank": "PageRank", "in_degree": "Named by (in-degree)"}


def _nodes(nodes: pd.DataFrame, size: str) -> list[dict[str, Any]]:
    labels = dict(RoleType.choices)
    out = []
    for i, row in enumerate(nodes.itertuples(index=False)):
        out.append(
            {
                "index": i,
                "name": row.label,
                "type": labels.get(row.type, row.type),
                "organisation": row.organisation or "",
                "answered": "answered" if row.respondent else "named only",
                "size": float(getattr(row, size)),
                "in_degree": int(getattr(row, "in_degree", getattr(row, "degree", 0))),
                "pagerank": round(float(row.pagerank), 4),
            }
        )
    return out


def network_spec(
    nodes: pd.DataFrame,
    links: pd.DataFrame,
    *,
    size: str = "pagerank",
    directed: bool = True,
    interactive: bool = True,
    title: str = "",
    width: int = 640,
    height: int = 520,
) -> dict[str, Any]:
    """A Vega force-directed drawing.

    ``nodes`` has columns ``id``, ``label``, ``type``, ``organisation``, ``respondent``,
    ``pagerank`` and the ``size`` measure; ``links`` has ``source``, ``target`` (node ids) and
    ``weight``. Node order is kept, so the same data always gives the same drawing.
    """
    if size not in nodes.columns:
        size = "pagerank"
    index = {node: i for i, node in enumerate(nodes["id"])}
    link_rows = [
        {"source": index[s], "target": index[t], "weight": float(w)}
        for s, t, w in links[["source", "target", "weight"]].itertuples(index=False)
        if s in index and t in index
    ]
    labels = dict(RoleType.choices)
    present = [
        labels[k]
        for k in TYPE_COLOURS
        if labels[k] in set(nodes["type"].map(lambda t: labels.get(t, t)))
    ]
    others = sorted({labels.get(t, t) for t in nodes["type"]} - set(present))
    domain = present + others
    colour_of = {labels[k]: v for k, v in TYPE_COLOURS.items()}
    colours = [colour_of.get(t, "#212b32") for t in domain]
    signals: list[dict[str, Any]] = [
        {"name": "cx", "update": "width / 2"},
        {"name": "cy", "update": "height / 2"},
    ]
    node_mark: dict[str, Any] = {
        "name": "nodes",
        "type": "symbol",
        "aria": False,  # the chart's description speaks for it; the table beside lists nodes
        "zindex": 1,
        "from": {"data": "node-data"},
        "encode": {
            "enter": {
                "fill": {"scale": "colour", "field": "type"},
                "shape": {"scale": "shape", "field": "answered"},
                "stroke": {"value": "#ffffff"},
                "strokeWidth": {"value": 1},
                "size": {"scale": "size", "field": "size"},
                "tooltip": {
                    "signal": "{'Person': datum.name, 'Role': datum.type, "
                    "'Organisation': datum.organisation, 'Survey': datum.answered, "
                    "'Named by': datum.in_degree, 'PageRank': datum.pagerank}"
                },
            },
        },
        "transform": [
            {
                "type": "force",
                "iterations": 300,
                "static": not interactive,
                "signal": "force",
                "forces": [
                    {"force": "center", "x": {"signal": "cx"}, "y": {"signal": "cy"}},
                    {"force": "collide", "radius": 9},
                    {"force": "nbody", "strength": -28},
                    {"force": "link", "links": "link-data", "distance": 45},
                ],
            }
        ],
    }
    if interactive:
        node_mark["transform"][0]["restart"] = {"signal": "restart"}
        node_mark["encode"]["update"] = {"cursor": {"value": "grab"}}
        node_mark["on"] = [
            {
                "trigger": "fix",
                "modify": "node",
                "values": "fix === true ? {fx: node.x, fy: node.y} : {fx: fix[0], fy: fix[1]}",
            },
            {"trigger": "!fix", "modify": "node", "values": "{fx: null, fy: null}"},
        ]
        signals += [
            {
                "name": "fix",
                "value": False,
                "on": [
                    {
                        "events": "symbol:pointerout[!event.buttons], window:pointerup",
                        "update": "false",
                    },
                    {"events": "symbol:pointerover", "update": "fix || true"},
                    {
                        "events": "[symbol:pointerdown, window:pointerup] > window:pointermove!",
                        "update": "xy()",
                        "force": True,
                    },
                ],
            },
            {
                "name": "node",
                "value": None,
                "on": [{"events": "symbol:pointerover", "update": "fix === true ? item() : node"}],
            },
            {
                "name": "restart",
                "value": False,
                "on": [{"events": {"signal": "fix"}, "update": "fix && fix.length"}],
            },
        ]
    link_mark = {
        "type": "path",
        "aria": False,
        "from": {"data": "link-data"},
        "interactive": False,
        "encode": {
            "update": {
                "stroke": {"value": "#768692"},
                "strokeOpacity": {"value": 0.55},
                "strokeWidth": {"signal": "0.4 + datum.weight / 3"},
            }
        },
        "transform": [
            {
                "type": "linkpath",
                "require": {"signal": "force"},
                "shape": "line",
                "sourceX": "datum.source.x",
                "sourceY": "datum.source.y",
                "targetX": "datum.target.x",
                "targetY": "datum.target.y",
            }
        ],
    }
    spec: dict[str, Any] = {
        "$schema": VEGA_SCHEMA,
        "description": title or "Network drawing",
        "width": width,
        "height": height,
        "padding": {"left": 5, "right": 5, "top": 30 if title else 5, "bottom": 5},
        "autosize": "none",
        "background": "#ffffff",
        "signals": signals,
        "data": [
            {"name": "node-data", "values": _nodes(nodes, size)},
            {"name": "link-data", "values": link_rows},
        ],
        "scales": [
            {"name": "colour", "type": "ordinal", "domain": domain, "range": colours},
            {
                "name": "shape",
                "type": "ordinal",
                "domain": ["answered", "named only"],
                "range": ["circle", "diamond"],
            },
            {
                "name": "size",
                "type": "sqrt",
                "domain": {"data": "node-data", "field": "size"},
                "zero": True,
                "range": [30, 700],
            },
        ],
        "legends": [
            {
                "fill": "colour",
                "title": "Role",
                "orient": "none",
                "legendX": 0,
                "legendY": 28 if title else 0,
                "symbolType": "circle",
            },
            {
                "shape": "shape",
                "title": "Survey",
                "orient": "none",
                "legendX": 0,
                "legendY": {"signal": "height - 50"},
            },
        ],
        "config": {
            "text": {"font": FONT},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 12,
                "titleFontSize": 12,
            },
            "title": {"font": FONT},
        },
        "marks": [link_mark, node_mark],
    }
    if directed:
        spec["description"] += " Lines run from the person asking for advice to their source."
    else:
        spec["legends"] = spec["legends"][:1]
    if title:
        spec["title"] = {"text": title, "anchor": "start", "fontSize": 14}
    return spec


def drawing_svg(spec: dict[str, Any]) -> str:
    import vl_convert as vlc

    return vlc.vega_to_svg(spec, allowed_base_urls=[])


def drawing_png(spec: dict[str, Any], *, scale: float = 2) -> bytes:
    import vl_convert as vlc

    return vlc.vega_to_png(spec, scale=scale, allowed_base_urls=[])
