-- empact schema 3: the index a page of an OAP's actions needs. GET /api/v1/oaps/{id}/actions
-- reads the OAP's actions in id order; the UNIQUE (oap_id, number) index gives them in number
-- order, so without this one SQLite read every action of the OAP and sorted them for each
-- page (5,000 rows for a page of 100 in the 100,000-action benchmark database).

CREATE INDEX actions_oap ON actions(oap_id);
