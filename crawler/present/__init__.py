"""How stored things look on every surface (CLI, web view, digest, exports), in one language.

``labels`` holds the Chinese words for codes (events, follow-up status, source health,
run states); ``amounts`` writes money as the office reads it; ``records`` turns stored rows
into JSON-ready dicts (the CLI's ``--json`` contract keeps stable English codes);
``tables`` draws them for the terminal; ``export`` writes CSV, XLSX and JSON files.
"""
