-- Plan targets: the poor-household rate (and optionally the near-poor rate) a unit plans to reach at the end of
-- a year, in percent, as the plan states it. One row per unit and year; setting it again replaces it.
CREATE TABLE plan_target (
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    year INTEGER NOT NULL,
    poor_rate REAL NOT NULL CHECK (poor_rate >= 0 AND poor_rate <= 100),
    near_poor_rate REAL CHECK (near_poor_rate >= 0 AND near_poor_rate <= 100),
    note TEXT NOT NULL DEFAULT '',
    set_on TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);
