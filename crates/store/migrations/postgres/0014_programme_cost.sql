-- Unit costs of the support programmes, as a province (or a commune) enters them: the cost of supporting one
-- household under a programme in a year, in đồng, with where the figure comes from. The forecast under a new
-- standard and the graduation plans price support with the cost of the unit itself or, failing that, of the
-- nearest unit above it. One row per programme, unit and year; setting it again replaces it.
CREATE TABLE programme_cost (
    programme_id BIGINT NOT NULL REFERENCES support_programme (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    year BIGINT NOT NULL,
    cost_vnd BIGINT NOT NULL CHECK (cost_vnd >= 0),
    note TEXT NOT NULL DEFAULT '',
    set_on TEXT NOT NULL,
    PRIMARY KEY (programme_id, unit_id, year)
);
