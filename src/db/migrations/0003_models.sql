-- 0003_models: the learning models. Criteria sets loaded from data files
-- (versioned, never changed once used), registrations and their yearly
-- cycle, assessments with the figures they used, evidence files, deadlines
-- per year, recognition decisions and certificate numbers.
-- Points are stored in hundredths (x100), shares in basis points (bp).

-- One version of a criteria set. json is the source text; the items below
-- are its indicators, kept for lists and joins. unit_id is the province (or
-- other unit) that owns a local version, NULL for a national one.
CREATE TABLE criteria_sets (
  id {{ID}},
  code TEXT NOT NULL,
  version INTEGER NOT NULL,
  model TEXT NOT NULL CHECK (model IN ('citizen', 'family', 'clan',
    'community', 'unit', 'commune_community')),
  title_vi TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  scale TEXT NOT NULL CHECK (scale IN ('points', 'levels')),
  verified INTEGER NOT NULL,
  n_unverified INTEGER NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  max_total_x100 BIGINT NOT NULL,
  certificate_prefix TEXT NOT NULL DEFAULT '',
  unit_id BIGINT REFERENCES units(id),
  origin TEXT NOT NULL CHECK (origin IN ('file', 'edit')),
  json TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX criteria_sets_code_version ON criteria_sets (code, version);
CREATE INDEX criteria_sets_model ON criteria_sets (model, effective_from);

CREATE TABLE criteria_items (
  set_id BIGINT NOT NULL REFERENCES criteria_sets(id),
  code TEXT NOT NULL,
  parent_code TEXT,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title_vi TEXT NOT NULL,
  max_x100 BIGINT NOT NULL,
  required INTEGER NOT NULL,
  source TEXT,
  min_ratio_bp BIGINT,
  verified INTEGER NOT NULL,
  PRIMARY KEY (set_id, code)
);

-- One recognition decision (quyết định công nhận) and its issuer.
CREATE TABLE model_decisions (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  model TEXT NOT NULL,
  year INTEGER NOT NULL,
  number TEXT NOT NULL,
  decided_on TEXT NOT NULL,
  signer TEXT NOT NULL,
  signer_title TEXT NOT NULL,
  issuing_body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX model_decisions_number ON model_decisions (unit_id, model, year, number);

-- A subject registered for a model's title in a year. subject_id points to
-- people, households, clans or units according to subject_kind. unit_id is
-- the unit it is managed in (scope). The latest score is kept for lists.
CREATE TABLE model_registrations (
  id {{ID}},
  model TEXT NOT NULL,
  year INTEGER NOT NULL,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('person', 'household',
    'clan', 'unit')),
  subject_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  subject_group INTEGER,
  set_id BIGINT NOT NULL REFERENCES criteria_sets(id),
  state TEXT NOT NULL CHECK (state IN ('registered', 'self_assessed',
    'verified', 'proposed', 'recognised', 'withdrawn')),
  returned INTEGER NOT NULL DEFAULT 0,
  late INTEGER NOT NULL DEFAULT 0,
  registered_on TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  total_x100 BIGINT,
  max_x100 BIGINT,
  achieved INTEGER NOT NULL DEFAULT 0,
  band TEXT NOT NULL DEFAULT '',
  level INTEGER NOT NULL DEFAULT 0,
  decision_id BIGINT REFERENCES model_decisions(id),
  cert_unit_id BIGINT REFERENCES units(id),
  certificate_seq BIGINT,
  certificate_no TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX model_registrations_subject ON model_registrations (model, year, subject_kind, subject_id);
CREATE INDEX model_registrations_unit ON model_registrations (unit_id, year, model);
CREATE INDEX model_registrations_set ON model_registrations (set_id);
CREATE INDEX model_registrations_decision ON model_registrations (decision_id);
CREATE UNIQUE INDEX model_registrations_certificate ON model_registrations (cert_unit_id, model, year, certificate_seq);

-- The history of a registration: one row per action.
CREATE TABLE model_transitions (
  id {{ID}},
  registration_id BIGINT NOT NULL REFERENCES model_registrations(id),
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  actor TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  deadline TEXT,
  late INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX model_transitions_registration ON model_transitions (registration_id, id);

-- A self-assessment or a verification, with its score.
CREATE TABLE model_assessments (
  id {{ID}},
  registration_id BIGINT NOT NULL REFERENCES model_registrations(id),
  stage TEXT NOT NULL CHECK (stage IN ('self', 'verify')),
  channel TEXT NOT NULL DEFAULT 'officer',
  at TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  total_x100 BIGINT NOT NULL,
  max_x100 BIGINT NOT NULL,
  achieved INTEGER NOT NULL,
  band TEXT NOT NULL DEFAULT '',
  level INTEGER NOT NULL DEFAULT 0,
  failed TEXT NOT NULL DEFAULT ''
);
CREATE INDEX model_assessments_registration ON model_assessments (registration_id, stage, id);

-- One indicator (or criterion subtotal) of an assessment. Ratio indicators
-- keep the figure they used and where it came from; a verifier's change
-- keeps the value it replaced and its reason.
CREATE TABLE model_assessment_values (
  assessment_id BIGINT NOT NULL REFERENCES model_assessments(id),
  code TEXT NOT NULL,
  position INTEGER NOT NULL,
  is_criterion INTEGER NOT NULL DEFAULT 0,
  value_x100 BIGINT NOT NULL DEFAULT 0,
  entered_x100 BIGINT NOT NULL DEFAULT 0,
  met INTEGER NOT NULL DEFAULT 0,
  na INTEGER NOT NULL DEFAULT 0,
  num BIGINT,
  den BIGINT,
  source TEXT,
  computed_at TEXT,
  changed INTEGER NOT NULL DEFAULT 0,
  old_value_x100 BIGINT,
  old_met INTEGER,
  old_na INTEGER,
  reason TEXT,
  note TEXT,
  PRIMARY KEY (assessment_id, code)
);

-- Evidence files of a registration (at most 5 MiB each).
CREATE TABLE model_evidence (
  id {{ID}},
  registration_id BIGINT NOT NULL REFERENCES model_registrations(id),
  item_code TEXT,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data {{BLOB}} NOT NULL,
  created_at TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  actor TEXT NOT NULL
);
CREATE INDEX model_evidence_registration ON model_evidence (registration_id);

-- Deadlines of a model's year set by a province (or any unit) for its
-- subtree; units without one use the nearest ancestor's, else the defaults.
CREATE TABLE model_calendar (
  unit_id BIGINT NOT NULL REFERENCES units(id),
  year INTEGER NOT NULL,
  model TEXT NOT NULL,
  register_by TEXT NOT NULL,
  self_assess_by TEXT NOT NULL,
  verify_by TEXT NOT NULL,
  recognise_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (unit_id, year, model)
);

-- The last certificate number given per (issuing unit, model, year).
CREATE TABLE certificate_counters (
  unit_id BIGINT NOT NULL REFERENCES units(id),
  model TEXT NOT NULL,
  year INTEGER NOT NULL,
  last_seq BIGINT NOT NULL,
  PRIMARY KEY (unit_id, model, year)
);
