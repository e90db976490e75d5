-- 0005_public: the public channel of the learning-citizen self-assessment.
-- A citizen without an account sends their data and answers; the submission
-- waits for the village board, which accepts it (the person is matched or
-- recorded and registered, and the answers become the self-assessment) or
-- rejects it with a reason. The citizen follows it by a random receipt code.
-- Minimum data (Decree 13/2023): no ethnicity, no religion, no raw client
-- address (only a keyed hash, for the rate limits).

CREATE TABLE public_submissions (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  year INTEGER NOT NULL,
  full_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  birth_year_only INTEGER NOT NULL DEFAULT 0,
  sex TEXT CHECK (sex IN ('M', 'F')),
  id_number TEXT,
  phone TEXT NOT NULL DEFAULT '',
  subject_group INTEGER NOT NULL CHECK (subject_group BETWEEN 1 AND 4),
  set_id BIGINT NOT NULL REFERENCES criteria_sets(id),
  answers TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  consent_version TEXT NOT NULL,
  consent_sha256 TEXT NOT NULL,
  consent_at TEXT NOT NULL,
  client_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
  person_id BIGINT REFERENCES people(id),
  registration_id BIGINT REFERENCES model_registrations(id),
  reviewer TEXT,
  reason TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
);
-- The queue of a subtree, pending first; the rate limits count recent rows
-- per client hash and per unit.
CREATE INDEX public_submissions_unit ON public_submissions (unit_id, state, created_at);
CREATE INDEX public_submissions_client ON public_submissions (client_hash, created_at);
CREATE INDEX public_submissions_created ON public_submissions (created_at);

-- Secrets of the channel, made once on first use: the key of the client
-- address hash (a plain hash of an IPv4 address is reversed by trying them
-- all).
CREATE TABLE public_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
