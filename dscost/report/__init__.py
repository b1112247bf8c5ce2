"""Renderers: one module per command's output, over a shared document model.

* :mod:`dscost.report.document` -- ``Text``/``Table`` documents and the plain,
  Rich, Markdown, JSON and CSV emitters (``emit``), with the format names;
* :mod:`dscost.report.counts` -- MACs or FLOPs, the counting conventions, a Cost as JSON;
* number formatting lives in :mod:`dscost.units` (the readers' notes use it too);
* one module per command: ``analyze``, ``compare``, ``check``, ``diff``, ``bench``,
  ``convert``, ``export``, ``schema``.  Each builds its document, JSON and CSV
  from the typed result of the command (types imported only for type checking,
  so start-up does not pay) and ends in a ``show_*`` function.  No command
  module imports another.

No arithmetic here beyond ratios and percentages of numbers computed by
:mod:`dscost.cost` and the command modules.
"""
