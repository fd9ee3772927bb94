"""The lead register: one record per real-world event and per project, organisations
with their aliases and timelines, the watchlist and the rival-city watch.

Pure parts (no database): ``names`` (short forms of firms, project names), ``places``
(the gazetteer), ``dates`` and ``stages`` (when, and how far a project got), ``orgs``
(which organisation a spelling names), ``reports`` (one lead as the register sees it),
``match`` (the rule that merges reports into events) and ``projects`` (events into
projects). Store side: ``build`` (link new leads, rebuild), ``followups`` (follow-up per
event and project, with history), ``queries`` (what the CLI, web view and digest read),
``watch`` (followed organisations, alias reviews). ``steps`` ties them to the config.
"""
