"""Small pieces every app shares and none owns: who a user is (`roles`) and what a page lets
them do (`pages`), the one family of domain errors (`errors`), bilingual texts, quarters by
their period key, number formatting, reading uploaded tables, spreadsheet cells that stay
text, upload limits and handing work to the background worker."""
