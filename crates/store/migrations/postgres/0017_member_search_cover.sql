-- A search from any word of a name tests every name of the account's commune when the names starting with the
-- words do not fill a page: with the village in the index, the test stays in the index (see the SQLite file).
DROP INDEX member_search_commune;
DROP INDEX member_search_village;
CREATE INDEX member_search_commune ON member_search (commune_id, name_fold COLLATE "C", village_id);
CREATE INDEX member_search_village ON member_search (village_id, name_fold COLLATE "C", commune_id);
