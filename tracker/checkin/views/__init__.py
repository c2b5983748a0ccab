"""Check-in's pages, one blueprint a module: the staff's pages of an event (``staff``), the
scanner page (``scanner``), the participant's ticket (``ticket``) and the public door page
(``door``)."""
