-- 0010_report_generation: a number that changes with every change that can
-- alter a consolidated figure (a report saved, submitted, approved,
-- returned or reopened, a share set, a form loaded), so that a process may
-- keep consolidations it has computed and know when they no longer hold
-- (src/reports/cache.c). The number is random, not counted: a transaction
-- rolled back never leaves behind a number that later stands for other
-- figures, and two databases do not share one. 0 until first used.
CREATE TABLE report_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO report_generation (id, n) VALUES (1, 0);

-- What the token of a kept consolidation reads besides the number: the
-- newest change of a unit, how many successions are partial, and the
-- shares the unit data carries (none so far: the index is empty).
CREATE INDEX units_updated_at ON units (updated_at);
CREATE INDEX unit_succession_kind ON unit_succession (kind);
CREATE INDEX unit_succession_share ON unit_succession (share_pct)
  WHERE share_pct IS NOT NULL;
