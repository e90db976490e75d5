-- 0007_reports: report forms as data, their assignment to unit kinds for a
-- period, submissions with their values, workflow history and evidence,
-- the administrator's shares for restating figures of partly merged units,
-- and indicators with their targets.
-- Integers: counts; money in đồng; percentages in hundredths of a percent
-- (x100: 2750 is 27.5 %); yes/no as 0/1.

-- One report form (biểu mẫu báo cáo). json is the source text (sections,
-- fields, breakdowns, rules, sources); the form is parsed from it on use.
CREATE TABLE report_forms (
  id {{ID}},
  code TEXT NOT NULL,
  title_vi TEXT NOT NULL,
  n_fields INTEGER NOT NULL,
  verified INTEGER NOT NULL,
  json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX report_forms_code ON report_forms (code);

-- A form assigned to a unit kind for a period, with its deadline.
CREATE TABLE report_assignments (
  id {{ID}},
  form_id BIGINT NOT NULL REFERENCES report_forms(id),
  unit_kind TEXT NOT NULL,
  period TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  deadline TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX report_assignments_key ON report_assignments (form_id, unit_kind, period);

-- One unit's report for a form and period. approver_unit_id is the level
-- that decides on it, fixed at submission (district before 1 July 2025,
-- province after).
CREATE TABLE report_submissions (
  id {{ID}},
  form_id BIGINT NOT NULL REFERENCES report_forms(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  period TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned',
    'approved')),
  approver_unit_id BIGINT REFERENCES units(id),
  deadline TEXT,
  late INTEGER NOT NULL DEFAULT 0,
  submitted_on TEXT,
  approved_on TEXT,
  comment TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX report_submissions_key ON report_submissions (form_id, period, unit_id);
CREATE INDEX report_submissions_unit ON report_submissions (unit_id, form_id);

-- The values of a submission. raw is what was typed (kept even when it is
-- invalid, so that nothing entered is lost); value is the parsed number
-- (NULL when raw is empty, invalid or text); source names where a
-- prefilled figure came from ('' when typed).
CREATE TABLE report_values (
  submission_id BIGINT NOT NULL REFERENCES report_submissions(id),
  field TEXT NOT NULL,
  raw TEXT NOT NULL DEFAULT '',
  value BIGINT,
  source TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (submission_id, field)
);

-- The history of a submission: one row per action.
CREATE TABLE report_transitions (
  id {{ID}},
  submission_id BIGINT NOT NULL REFERENCES report_submissions(id),
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  actor TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_transitions_submission ON report_transitions (submission_id, id);

-- Evidence attached to a submission.
CREATE TABLE report_evidence (
  id {{ID}},
  submission_id BIGINT NOT NULL REFERENCES report_submissions(id),
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  data {{BLOB}} NOT NULL,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX report_evidence_submission ON report_evidence (submission_id);

-- The administrator's share of an old unit's figures carried to a new one
-- (basis points, 10000 = all), overriding the default rule.
CREATE TABLE report_shares (
  old_id BIGINT NOT NULL REFERENCES units(id),
  new_id BIGINT NOT NULL REFERENCES units(id),
  share_bp INTEGER NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
  note TEXT NOT NULL DEFAULT '',
  set_at TEXT NOT NULL,
  set_by TEXT NOT NULL,
  PRIMARY KEY (old_id, new_id)
);

-- Indicators (numerator / denominator x factor) as data; targets are in
-- the json.
CREATE TABLE report_indicators (
  id {{ID}},
  code TEXT NOT NULL,
  title_vi TEXT NOT NULL,
  json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX report_indicators_code ON report_indicators (code);
