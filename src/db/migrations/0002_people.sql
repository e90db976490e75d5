-- 0002_people: citizens, households, clans, and the consents and data
-- requests that personal-data law (Decree 13/2023, Law 91/2025) requires.
-- Ethnicity and religion are sensitive data and are not collected.

CREATE TABLE households (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  code TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- A household is known in its village by its number (Mã hộ / Số hộ).
CREATE UNIQUE INDEX households_unit_code ON households (unit_id, code);

CREATE TABLE people (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  household_id BIGINT REFERENCES households(id),
  relation TEXT NOT NULL DEFAULT '',
  is_head INTEGER NOT NULL DEFAULT 0,
  full_name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  sort_key {{BLOB}} NOT NULL,
  birth_date TEXT,
  birth_year_only INTEGER NOT NULL DEFAULT 0,
  sex TEXT CHECK (sex IN ('M', 'F')),
  id_number TEXT,
  phone TEXT NOT NULL DEFAULT '',
  subject_group INTEGER CHECK (subject_group BETWEEN 1 AND 4),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- One person per CCCD/CMND number (NULLs are distinct in both databases).
CREATE UNIQUE INDEX people_id_number ON people (id_number);
CREATE INDEX people_unit_sort ON people (unit_id, sort_key);
-- Lists of a subtree walk this index in name order and keep the people whose
-- unit lies in the subtree, so a page costs its own rows, not a sort of all.
CREATE INDEX people_sort ON people (sort_key);
CREATE INDEX people_household ON people (household_id);
-- Re-imports without a CCCD match on name, birth date and household.
CREATE INDEX people_match ON people (name_key, birth_date);

-- A clan (dòng họ) is one branch of a lineage living in one commune; its
-- members are households.
CREATE TABLE clans (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  branch TEXT NOT NULL DEFAULT '',
  head_person_id BIGINT REFERENCES people(id),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX clans_unit_name ON clans (unit_id, name, branch);

CREATE TABLE clan_households (
  clan_id BIGINT NOT NULL REFERENCES clans(id),
  household_id BIGINT NOT NULL REFERENCES households(id),
  PRIMARY KEY (clan_id, household_id)
);
CREATE INDEX clan_households_household ON clan_households (household_id);

-- Consent to processing, with its purpose and how it was given; a
-- withdrawal is recorded, never a deletion of the record.
CREATE TABLE consents (
  id {{ID}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  purpose TEXT NOT NULL,
  channel TEXT NOT NULL,
  given_at TEXT NOT NULL,
  given_by TEXT NOT NULL,
  withdrawn_at TEXT
);
CREATE INDEX consents_person ON consents (person_id);

-- Requests of data subjects (access, correction, deletion) and their answer.
CREATE TABLE data_requests (
  id {{ID}},
  person_id BIGINT REFERENCES people(id),
  kind TEXT NOT NULL CHECK (kind IN ('access', 'correct', 'delete', 'restrict', 'object')),
  received_at TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  handled_at TEXT,
  handled_by TEXT,
  outcome TEXT
);
