"""招商周报 / 月报: the period's figures gathered from the store (:mod:`.data`), charts
(:mod:`.charts`, matplotlib), and one small writer per format (:mod:`.word` for .docx,
:mod:`.excel` for .xlsx with native Excel charts, :mod:`.pdf` for .pdf); :mod:`.render`
picks the writer from the file's extension.
"""
