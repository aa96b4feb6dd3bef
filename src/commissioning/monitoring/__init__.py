"""Monitoring with statistical process control (NHS Making Data Count).

:mod:`.records` reads the observations a surface covers through the access policy;
:mod:`.presenter` turns them into series, icons, charts, the summary matrix and exceptions, the
one answer that the monitoring pages, board reports, the report across communities and alerts
lay out. It works them out on arrays: :mod:`.reading` reads them, :mod:`.arrays` works out every
series at once, :mod:`.limits` the recalculations of limits, and :mod:`.pages` draws pages of
charts from the result.
"""
