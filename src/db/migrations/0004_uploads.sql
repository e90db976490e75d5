-- 0004_uploads: files sent for import, kept between the preview and the
-- import itself so that the user does not send them twice. Known by a random
-- token and visible only to the account that sent them; removed after a day.
CREATE TABLE uploads (
  id {{ID}},
  token TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  filename TEXT NOT NULL,
  size BIGINT NOT NULL,
  data {{BLOB}} NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX uploads_created ON uploads (created_at);
