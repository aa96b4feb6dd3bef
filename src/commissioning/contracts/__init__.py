"""Contract performance: activity and money against plan, incentive schemes and variations.

Layers, from the bottom:

- pure modules (no Django): :mod:`.months` (financial years and months), :mod:`.phasing`
  (an annual plan phased by month), :mod:`.variance` (year to date, variance, where a line
  runs against its plan), :mod:`.forecast` (forecast outturn: run rate with seasonality, and
  its uncertainty), :mod:`.payment` (what block, activity-based, cost and volume, and aligned
  payment and incentive contracts pay), :mod:`.incentives` (milestone money: earned, lost, at
  risk), :mod:`.variations` (the value and term on any date from the variations) and
  :mod:`.files` (damaged CSV files found before they are read);
- :mod:`.models` (lines, monthly plans and actuals, incentive indicators and milestones,
  variations, activity challenges, linked to ``store.Contract``) and :mod:`.records` (read
  through the access policy; the app registers its rules);
- :mod:`.presenter` (the one place that turns records into what a person sees),
  :mod:`.importing` and :mod:`.acm` (the template and the Aggregate Contract Monitoring
  layout), :mod:`.demo` (synthetic performance for the demo and tests).

Pages, downloads, the API, the command line and alerts lay out what the presenter returns.
"""
