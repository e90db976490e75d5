-- 0011_report_values_cover: the consolidated report of a large unit reads
-- every value of the period's approved reports, field and number, by
-- submission (src/reports/consolidate.c). With the number in the index the
-- rows are read from the index alone instead of looking up each row of the
-- table (two million of them for the whole country's year); the text typed
-- is read from the table only for the few reports whose texts are shown.
CREATE INDEX report_values_cover ON report_values (submission_id, field, value);
