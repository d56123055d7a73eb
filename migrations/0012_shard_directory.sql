-- Sharding (issue 17): the directory, one table on every shard. Each row maps
-- a unique key to the user it belongs to, and lives on the key's home shard
-- (weighted rendezvous hashing of the key over the shard map, see
-- docs/scale.md). Keys: `email:<normalised email>` for every account (so an
-- address is unique across shards: registration and email change claim the
-- row first), and later kinds under their own prefix. The primary key is
-- the uniqueness check, so of concurrent claims exactly one lands.
CREATE TABLE directory (
  key        TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Every account from before sharding lives on shard 00, which is the home of
-- every key while the map has one shard: its entries are the users table's
-- emails. (With more shards, `npm run admin -- reindex` writes each entry on
-- its home shard; docs/scale.md.)
INSERT INTO directory (key, user_id, created_at)
SELECT 'email:' || email, id, created_at FROM users;
