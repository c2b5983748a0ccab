"""Getting people through the door: tickets, scans, the door page and the live board."""
