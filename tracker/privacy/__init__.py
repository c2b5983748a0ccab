"""Personal data under UU No. 27 Tahun 2022 (PDP): retention, data-subject requests, notices."""
