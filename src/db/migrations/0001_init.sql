-- 0001_init: units and their hierarchy over time, users, sessions, API
-- tokens, login attempts and the audit log.

-- Territorial units (country, province, district, commune) and the
-- organisations that live under them (schools, enterprises, association
-- chapters, boards, community learning centres, villages ...). A code names a
-- unit at a date: codes are reused between the structures before and after
-- 1 July 2025, so (code, valid_from) is the key, not code alone.
CREATE TABLE units (
  id {{ID}},
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  type_name TEXT NOT NULL DEFAULT '',
  parent_id BIGINT REFERENCES units(id),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  search_key TEXT NOT NULL,
  sort_key {{BLOB}},
  address TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX units_code_from ON units (code, valid_from);
CREATE INDEX units_parent ON units (parent_id, valid_from);
CREATE INDEX units_kind ON units (kind, valid_from);

-- Closure table: one row per (ancestor, descendant) pair, the unit itself
-- included at depth 0. Subtree questions are one indexed range scan.
CREATE TABLE unit_tree (
  ancestor_id BIGINT NOT NULL REFERENCES units(id),
  descendant_id BIGINT NOT NULL REFERENCES units(id),
  depth INTEGER NOT NULL,
  PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX unit_tree_descendant ON unit_tree (descendant_id, ancestor_id);

-- Which old unit went into which new one on a restructuring date, whole
-- ('full') or in part ('partial'). share_pct is the part of the old unit's
-- figures carried to the new one when figures are restated (NULL until an
-- administrator sets it).
CREATE TABLE unit_succession (
  old_id BIGINT NOT NULL REFERENCES units(id),
  new_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('full', 'partial')),
  on_date TEXT NOT NULL,
  share_pct INTEGER,
  PRIMARY KEY (old_id, new_id)
);
CREATE INDEX unit_succession_new ON unit_succession (new_id, old_id);

CREATE TABLE users (
  id {{ID}},
  login TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'officer', 'viewer')),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  pw_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  lang TEXT NOT NULL DEFAULT 'vi',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

-- Server-side sessions: only a hash of the cookie's token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens for programs: only a hash is stored; the token is shown once.
CREATE TABLE api_tokens (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

CREATE TABLE login_attempts (
  id {{ID}},
  login TEXT NOT NULL,
  ip TEXT NOT NULL,
  at TEXT NOT NULL,
  ok INTEGER NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts (login, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Append-only record of every write: who, when, what, before and after
-- (JSON), written in the same transaction as the change.
CREATE TABLE audit_log (
  id {{ID}},
  at TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  actor TEXT NOT NULL,
  unit_id BIGINT REFERENCES units(id),
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL DEFAULT '',
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX audit_at ON audit_log (at);
CREATE INDEX audit_user ON audit_log (user_id, at);
CREATE INDEX audit_unit ON audit_log (unit_id, at);
