-- 0009_privacy: what the rights of data subjects (Decree 13/2023/NĐ-CP,
-- Law 91/2025/QH15) leave on a person's record.
--
-- restricted: processing is restricted at the person's request; lists and
-- exports show the record without its personal data, and only officers who
-- may handle the request (officer and above in scope) open it whole.
-- erased: the personal data were erased at the person's request; the row
-- stays so that counts and recognitions already issued stay consistent.
ALTER TABLE people ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;

-- Who recorded a request, and whether it was carried out ('done') or
-- refused with a reason ('refused'); NULL while it is open.
ALTER TABLE data_requests ADD COLUMN received_by TEXT NOT NULL DEFAULT '';
ALTER TABLE data_requests ADD COLUMN answer TEXT CHECK (answer IN ('done', 'refused'));
CREATE INDEX data_requests_person ON data_requests (person_id);
