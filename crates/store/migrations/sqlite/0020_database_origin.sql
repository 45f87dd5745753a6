-- Row ids that never collide between databases (issue 16: a commune's offline database and its province's
-- server both create households, people, reviews and rounds). Each database takes the ids of the rows it
-- creates from a block of its own: [origin × 2^40, (origin + 1) × 2^40). The province's server, and every
-- database made before sync, is origin 0, so every id already written stays as it is; a commune's database is
-- given its origin by the server when it is made (`sync init`). 2^23 origins of 2^40 ids each fill an i64.
-- Household codes stay the human key, unique across the province as before.
CREATE TABLE database_origin (
    origin INTEGER NOT NULL CHECK (origin >= 0 AND origin < 8388608)
);
INSERT INTO database_origin (origin) VALUES (0);
CREATE TRIGGER database_origin_one_row BEFORE INSERT ON database_origin
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: a database has one origin');
END;
