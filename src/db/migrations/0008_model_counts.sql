-- 0008_model_counts: the registered and recognised counts of the learning
-- models, kept up to date so that the roll-up of a province sums a few
-- thousand rows instead of counting a million registrations.
--
-- One row per managing unit, year, model and subject group (0 for none)
-- that has ever had a registration: registered counts those not withdrawn,
-- recognised those recognised. A row stays when its counts fall to zero (a
-- registration is never deleted), so the roll-up lists the same groups as a
-- count over the registrations would. Every path that creates a
-- registration or changes its state updates it in the same transaction,
-- through models_counts_apply() (src/models/counts.c); models_counts_rebuild()
-- recounts it from the registrations with the statement below.
CREATE TABLE model_counts (
  unit_id BIGINT NOT NULL REFERENCES units(id),
  year INTEGER NOT NULL,
  model TEXT NOT NULL,
  subject_group INTEGER NOT NULL,
  registered BIGINT NOT NULL,
  recognised BIGINT NOT NULL,
  PRIMARY KEY (unit_id, year, model, subject_group)
);

-- The counts of the registrations already recorded (the same statement as
-- models_counts_rebuild()).
INSERT INTO model_counts (unit_id, year, model, subject_group, registered,
  recognised)
SELECT unit_id, year, model, COALESCE(subject_group, 0),
  SUM(CASE WHEN state <> 'withdrawn' THEN 1 ELSE 0 END),
  SUM(CASE WHEN state = 'recognised' THEN 1 ELSE 0 END)
FROM model_registrations
GROUP BY unit_id, year, model, COALESCE(subject_group, 0);
