-- Nothing to do on SQLite: the search table is keyed by (household, person) without a rowid, so its indexes
-- already end with them and read a range in the order a search shows (see the PostgreSQL migration).
SELECT 1;
