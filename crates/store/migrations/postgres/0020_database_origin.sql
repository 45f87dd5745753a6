-- Row ids that never collide between databases: each database takes the ids of the rows it creates from the
-- block [origin × 2^40, (origin + 1) × 2^40). See the SQLite migration of the same number.
CREATE TABLE database_origin (
    origin BIGINT NOT NULL CHECK (origin >= 0 AND origin < 8388608)
);
INSERT INTO database_origin (origin) VALUES (0);
CREATE FUNCTION database_origin_one_row() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'giamngheo: a database has one origin';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER database_origin_one_row BEFORE INSERT ON database_origin
FOR EACH ROW EXECUTE FUNCTION database_origin_one_row();
