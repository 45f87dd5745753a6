-- A search shows the first page of its matches in the order of the folded name, then the village, household
-- and person (migration 0019's notes): the search table's indexes end with the household and person, as
-- SQLite's indexes of a table keyed by them do, so that both backends read a range in that order and show the
-- same first page without sorting the matches.
DROP INDEX member_search_commune;
DROP INDEX member_search_village;
DROP INDEX member_search_name;
CREATE INDEX member_search_commune ON member_search (commune_id, name_fold COLLATE "C", village_id NULLS FIRST, household_id, person_id);
CREATE INDEX member_search_village ON member_search (village_id, name_fold COLLATE "C", commune_id, household_id, person_id);
CREATE INDEX member_search_name ON member_search (name_fold COLLATE "C", household_id, person_id);
