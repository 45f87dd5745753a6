-- The forecast and the plan read each household's last decided review of a year or two across a whole
-- province (about 250,000 rows for 1 million households). Through review_year_commune every row cost a visit
-- to the table; this partial index holds every column they read but the survey facts, so the read stays in
-- the index. The facts, rare, are read by their own small index for the rows that have them.
CREATE INDEX review_decided_cover ON review (year, commune_id, village_id, household_id, review_date, id,
    standard_id, area, members, income_per_capita, deprivations, decided_class)
    WHERE decided_class IS NOT NULL;
CREATE INDEX review_facts_year ON review (year) WHERE facts IS NOT NULL;
