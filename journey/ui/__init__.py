"""Streamlit helpers the pages share: ``journey/ui/`` is the only place that imports streamlit.

Pages stay thin by calling these, as ``ui.<name>``; each concern has its own module:

- :mod:`.setup`: :func:`page_setup` (page config and sign-in), :func:`page_title` and
  :func:`store` (the database of :mod:`.database`, opened once per process; its connections
  are per thread);
- :mod:`.signin`: passwords or single sign-on, :func:`role` and :func:`author`;
- :mod:`.sidebar`: navigation, the journey picker kept in ``?journey=ID``, presentation mode,
  :func:`current_journey` and its :func:`live_updates`;
- :mod:`.display`: :func:`show_error` and :func:`notify` (every message, shown literally),
  :func:`literal` (user text shown as typed), :func:`short_table`, link notices, linked tabs;
- :mod:`.edits`: the one edit protocol of every versioned form (:class:`Edit`,
  :func:`open_edit`, :func:`submit_edit`, :func:`lost_edits`, :func:`undo_in_sidebar`):
  three-way merged saves, conflicts resolved per field, deleted-while-editing kept on screen,
  every save undoable;
- :mod:`.charting` and :mod:`.downloads`: :func:`chart` (a chart with its PNG/SVG downloads),
  charts and tables built once per content, every download button;
- :mod:`.comments` and :mod:`.countdown`: the comments panel and the facilitator's timer.
"""

from .charting import altair, cached_chart, cached_svg, cached_table, chart
from .comments import comments_panel
from .countdown import countdown
from .display import (
    WORD_JOINER,
    drawn_once_opened,
    flash,
    link_notice,
    linked_tabs,
    literal,
    literal_frame,
    notify,
    progress_bar,
    query_number,
    short_table,
    show_error,
)
from .downloads import chart_downloads, download, report_paper
from .edits import (
    Edit,
    create_once,
    edit_base,
    edit_prefix,
    forget_edit,
    form_prefix,
    lost_edits,
    open_edit,
    renew_edit,
    renew_form,
    submit_edit,
    undo_in_sidebar,
    undo_last_change,
)
from .setup import page_setup, page_title, store
from .sidebar import (
    can_edit,
    chart_text_px,
    choose_journey,
    current_journey,
    link,
    live_updates,
    navigation,
    presenting,
    set_presenting,
    sidebar,
)
from .signin import author, role, sign_in

__all__ = [
    "WORD_JOINER",
    "Edit",
    "altair",
    "author",
    "cached_chart",
    "cached_svg",
    "cached_table",
    "can_edit",
    "chart",
    "chart_downloads",
    "chart_text_px",
    "choose_journey",
    "comments_panel",
    "countdown",
    "create_once",
    "current_journey",
    "download",
    "drawn_once_opened",
    "edit_base",
    "edit_prefix",
    "flash",
    "forget_edit",
    "form_prefix",
    "link",
    "link_notice",
    "linked_tabs",
    "literal",
    "literal_frame",
    "live_updates",
    "lost_edits",
    "navigation",
    "notify",
    "open_edit",
    "page_setup",
    "page_title",
    "presenting",
    "progress_bar",
    "query_number",
    "renew_edit",
    "renew_form",
    "report_paper",
    "role",
    "set_presenting",
    "short_table",
    "show_error",
    "sidebar",
    "sign_in",
    "store",
    "submit_edit",
    "undo_in_sidebar",
    "undo_last_change",
]
