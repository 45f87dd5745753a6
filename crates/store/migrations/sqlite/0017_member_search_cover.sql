-- A search from any word of a name ("xuan" finding "Nguyễn Thị Xuân") tests every name of the account's
-- commune when the names starting with the words do not fill a page. Through (commune, name) SQLite visited
-- the table for each of a large commune's names to read its village (0.42 s for a commune of 136,636
-- households); with the village in the index the test stays in the index (0.04 s). The same for villages.
DROP INDEX member_search_commune;
DROP INDEX member_search_village;
CREATE INDEX member_search_commune ON member_search (commune_id, name_fold, village_id);
CREATE INDEX member_search_village ON member_search (village_id, name_fold, commune_id);
