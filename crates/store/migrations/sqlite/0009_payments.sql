-- Payments (customer receipts, vendor payments) and allocations of payments and credits to open items.
ALTER TABLE documents ADD COLUMN bank_account_id INTEGER REFERENCES accounts(id);

CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES documents(id),
    item_id INTEGER NOT NULL REFERENCES documents(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    source_base_minor INTEGER NOT NULL,
    item_base_minor INTEGER NOT NULL,
    alloc_date TEXT NOT NULL,
    journal_id INTEGER REFERENCES journals(id),
    created_at TEXT NOT NULL
);
CREATE INDEX allocations_source_idx ON allocations (source_id);
CREATE INDEX allocations_item_idx ON allocations (item_id);
