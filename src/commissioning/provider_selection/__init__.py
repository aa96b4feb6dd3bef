"""Provider selection: decision records under the Provider Selection Regime, the procurement
pipeline, the register of awards and their Open Contracting Data Standard release packages.

Layers, from the bottom:

- pure modules (no Django): :mod:`.rules` (each process's preconditions and what a finalised
  record must hold, SI 2023/1348), :mod:`.standstill` (working days in England and Wales and the
  regulation 12 standstill), :mod:`.chain` (the hash chain that seals finalised versions) and
  :mod:`.pipeline` (the latest day to publish an intention so the standstill ends in time);
- :mod:`.models` and :mod:`.records` (the records, read and written through the access policy);
- :mod:`.presenter` (the one place that turns records into what a person sees: the record,
  the register of awards, the pipeline), :mod:`.ocds` (release packages out and in),
  :mod:`.effort` (hours logged against each procurement) and :mod:`.demo`.

Pages, API, command line, PDF, downloads and alerts only lay out what the presenter returns.
"""
