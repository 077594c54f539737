"""The files of a quarter people download and upload: the figures file (a template filled in
and read back) and the reports' workbook."""
