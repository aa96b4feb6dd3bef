"""``commissioning network``: who shapes clinical practice, and where commissioners stand in it.

Reads a survey's edge list (``respondent,source,source_type,weight``: "the respondent goes to
the source for advice") and writes each person's centrality, the share of ties per source type,
commissioner reach and, with ``--respondents``, response rates and a non-response check.
Respondents are shown under pseudonyms unless ``--no-pseudonymise`` is given.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd

DECIMALS = 6
HELP = "influence network from an advice-seeking survey: centrality, source types, reach"


def register(sub) -> None:
    p = sub.add_parser(
        "network",
        help=HELP,
        description=(
            "Build the influence network from a survey edge list (columns respondent, source,"
            " source_type and optionally weight) and measure who is central. Respondents are"
            " pseudonymised with HMAC-SHA256; set COMMISSIONING_PSEUDONYM_KEY to keep the"
            " same pseudonyms from run to run."
        ),
    )
    p.add_argument("input", metavar="INPUT", help="edge list: CSV or Parquet file, - for stdin")
    p.add_argument(
        "--format",
        choices=["json", "csv"],
        help="json (everything) or csv (the nodes table); default json, or from -o's ending",
    )
    p.add_argument(
        "--respondents",
        metavar="FILE",
        help="everyone invited (respondent, organisation, responded): adds response rates"
        " and a non-response sensitivity check",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")
    p.add_argument(
        "--no-pseudonymise",
        dest="pseudonymise",
        action="store_false",
        help="show respondents' identifiers as given (only for results kept private)",
    )
    p.add_argument(
        "--respondent-type",
        default="gp",
        metavar="TYPE",
        help="type of respondents never named as a source (default gp)",
    )
    p.add_argument(
        "--commissioner-type",
        action="append",
        metavar="TYPE",
        help="source type that counts as a commissioner for reach (repeatable;"
        " default commissioning_manager)",
    )
    p.set_defaults(func=run)


def _clean(value):
    """JSON-safe: NaN and infinities become null, numpy scalars plain Python, 6 decimals."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return round(value, DECIMALS) if math.isfinite(value) else None
    return value


def _records(df: pd.DataFrame) -> list[dict]:
    return [_clean(r) for r in df.to_dict(orient="records")]


def analyse(args) -> tuple[dict, pd.DataFrame]:
    from commissioning.analytics.network.graph import build_network, check_edges
    from commissioning.analytics.network.measures import node_measures
    from commissioning.analytics.network.reach import (
        DEFAULT_COMMISSIONER_TYPES,
        commissioner_reach,
    )
    from commissioning.analytics.network.response import (
        check_edges_against_respondents,
        check_respondents,
        response_rates,
        sensitivity,
    )
    from commissioning.analytics.network.source_types import by_source_type
    from commissioning.analytics.pseudonyms import (
        KEY_VARIABLE,
        key_from_environment,
        pseudonym_map,
    )
    from commissioning.tables import display_name, read_table

    name = display_name(args.input)
    edges = check_edges(read_table(args.input), name)
    invited = None
    answered: list[str] = []
    if args.respondents:
        rname = display_name(args.respondents)
        invited = check_respondents(read_table(args.respondents), rname)
        check_edges_against_respondents(edges, invited, name, rname)
        answered = list(invited.loc[invited["responded"], "respondent"])
    graph = build_network(edges, respondents=answered, respondent_type=args.respondent_type)
    commissioner_types = args.commissioner_type or list(DEFAULT_COMMISSIONER_TYPES)
    nodes = node_measures(graph)
    result: dict = {
        "nodes": nodes,
        "by_source_type": by_source_type(graph),
        "reach": commissioner_reach(graph, commissioner_types),
    }
    if invited is not None:
        result["response"] = response_rates(invited)
        result["sensitivity"] = sensitivity(
            graph, edges, invited, respondent_type=args.respondent_type
        )
    people = set(edges["respondent"]) | set(answered)
    if invited is not None:
        people |= set(invited["respondent"])
    if args.pseudonymise:
        key, from_env = key_from_environment()
        mapping = pseudonym_map(people, key)
        nodes["id"] = nodes["id"].map(lambda i: mapping.get(i, i))
        if "sensitivity" in result:
            for scenario in ("dropped", "imputed"):
                part = result["sensitivity"][scenario]
                for field in ("top_observed", "top_recomputed"):
                    part[field] = [mapping.get(i, i) for i in part[field]]
        result["pseudonyms"] = {
            "method": "HMAC-SHA256 of the identifier, first 12 hex digits, prefixed p-",
            "applied_to": "respondents and everyone in the respondents file",
            "key": (
                f"from {KEY_VARIABLE}: the same key gives the same pseudonyms"
                if from_env
                else f"random for this run ({KEY_VARIABLE} not set): pseudonyms will differ"
                " next run"
            ),
        }
    else:
        result["pseudonyms"] = None
    result["definitions"] = {
        "tie": "respondent -> source: the respondent goes to the source for advice",
        "betweenness": "directed, edge length 1/weight, normalised by (n-1)(n-2)",
        "pagerank": "damping 0.85, by weight, dangling nodes spread evenly",
        "eigenvector": "in-ties, by weight; empty unless the network is strongly connected",
        "brokerage": "Gould-Fernandez roles on open two-step paths, groups = node type",
    }
    return result, nodes


def run(args) -> int:
    from commissioning.errors import UserError
    from commissioning.tables import write_json, write_table

    fmt = args.format
    if fmt is None:
        fmt = "csv" if args.output and Path(args.output).suffix.lower() == ".csv" else "json"
    result, nodes = analyse(args)
    if args.output and str(args.output) != "-":
        folder = Path(args.output).parent
        if not folder.exists():
            raise UserError(f"{args.output}: the folder {folder} does not exist")
    if fmt == "csv":
        write_table(nodes.round(DECIMALS), args.output, fmt="csv")
    else:
        doc = {
            k: _records(v) if isinstance(v, pd.DataFrame) else _clean(v) for k, v in result.items()
        }
        write_json(doc, args.output)
    if args.output and str(args.output) != "-":
        print(f"Wrote {len(nodes)} people and teams to {args.output}", file=sys.stderr)
    return 0
