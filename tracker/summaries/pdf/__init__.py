"""The PDFs: the event summary (``summary``) and the report across events (``report``), built
on the shared page, fonts, tables and charts of ``layout``. Pure: no Flask."""
