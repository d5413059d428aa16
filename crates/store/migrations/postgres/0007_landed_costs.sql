-- Landed costs: how a receipt's charges (freight, duty) are spread over its goods.
ALTER TABLE documents ADD COLUMN landed_spread TEXT NOT NULL DEFAULT 'value';
