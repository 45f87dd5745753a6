-- A citizen ID belongs to at most one current member of the registry, and the database itself holds that
-- rule: each open membership carries its person's citizen ID (NULL once the membership ends), under a unique
-- index. Two imports started together can no longer both store one ID; the store's own checks, made inside
-- the write transaction, give the clear message, and this index is the backstop.
ALTER TABLE membership ADD COLUMN citizen_id TEXT;
UPDATE membership SET citizen_id = (SELECT p.citizen_id FROM person p WHERE p.id = membership.person_id)
WHERE valid_until IS NULL;
-- A registry written before this rule may hold one ID in two current households: the first keeps it, so the
-- index can be built; the others show up in the import's checks when their households are next imported.
UPDATE membership SET citizen_id = NULL
WHERE citizen_id IS NOT NULL
  AND person_id NOT IN (SELECT min(person_id) FROM membership WHERE citizen_id IS NOT NULL GROUP BY citizen_id);
CREATE UNIQUE INDEX membership_citizen_id ON membership (citizen_id);
