"""Self-contained offline HTML reports: the linkage report, and the shell the audit can share.

``write_link_report(result, path)`` writes the linkage report for a
:class:`~linkcore.linkage.pipeline.LinkResult`; :func:`page` is the shared HTML shell (one
stylesheet, inline SVG charts, nothing fetched) that every linkcore report is wrapped in.
"""

from .html import page
from .link_report import link_report_data, render_link_report, write_link_report

__all__ = ["link_report_data", "page", "render_link_report", "write_link_report"]
