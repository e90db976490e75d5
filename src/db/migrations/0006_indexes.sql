-- 0006_indexes: what the province-sized benchmarks asked for
-- (docs/benchmarks.md).
--
-- people_words: every distinct word of a person's search key (name_key), so
-- that a name search starts from the people having a word that begins with
-- the rarest word of the query (an index range scan) instead of testing
-- every name of the subtree with LIKE. Kept by people_create, people_update
-- and the people import (src/people/words.c).
CREATE TABLE people_words (
  word TEXT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  PRIMARY KEY (word, person_id)
);
CREATE INDEX people_words_person ON people_words (person_id);

-- The words of the people already recorded, split in plain SQL common to
-- both databases: one character at a time, a word ending at each space
-- (name_key starts with a space and one is added at the end).
WITH RECURSIVE w (pid, s, i, cur) AS (
  SELECT id, name_key || ' ', 1, '' FROM people
  UNION ALL
  SELECT pid, s, i + 1,
    CASE WHEN substr(s, i, 1) = ' ' THEN '' ELSE cur || substr(s, i, 1) END
  FROM w WHERE i <= length(s)
)
INSERT INTO people_words (word, person_id)
SELECT DISTINCT cur, pid FROM w
WHERE i <= length(s) AND substr(s, i, 1) = ' ' AND cur <> '';

-- The roll-up of a year counts registrations per managing unit, model,
-- subject group and state: with all of them in the index it reads no table
-- row.
CREATE INDEX model_registrations_rollup ON model_registrations
  (unit_id, year, model, subject_group, state);
