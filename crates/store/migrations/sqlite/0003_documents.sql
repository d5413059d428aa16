-- Documents, stock and the ledger. Amounts: INTEGER minor units; quantities × 10^4;
-- unit prices × 10^6; rates × 10^6.
ALTER TABLE company ADD COLUMN costing_method TEXT NOT NULL DEFAULT 'moving_average';
ALTER TABLE company ADD COLUMN auto_allocate BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE doc_sequences (
    doc_type TEXT PRIMARY KEY,
    prefix TEXT NOT NULL,
    next_number INTEGER NOT NULL CHECK (next_number > 0)
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    doc_type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('PENDING', 'SAVED', 'VOID')),
    number TEXT,
    party_id INTEGER REFERENCES parties(id),
    doc_date TEXT NOT NULL,
    due_date TEXT,
    currency TEXT NOT NULL REFERENCES currencies(code),
    rate_e6 INTEGER NOT NULL CHECK (rate_e6 > 0),
    site_id INTEGER REFERENCES sites(id),
    to_site_id INTEGER REFERENCES sites(id),
    reference TEXT NOT NULL DEFAULT '',
    memo TEXT NOT NULL DEFAULT '',
    prices_include_tax BOOLEAN NOT NULL DEFAULT FALSE,
    net_minor INTEGER NOT NULL DEFAULT 0,
    tax_minor INTEGER NOT NULL DEFAULT 0,
    total_minor INTEGER NOT NULL DEFAULT 0,
    base_total_minor INTEGER NOT NULL DEFAULT 0,
    closed BOOLEAN NOT NULL DEFAULT FALSE,
    saved_at TEXT,
    void_date TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX documents_number_key ON documents (doc_type, number) WHERE number IS NOT NULL;
CREATE INDEX documents_party_idx ON documents (party_id);
CREATE INDEX documents_type_status_idx ON documents (doc_type, status);

CREATE TABLE document_lines (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_no INTEGER NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id),
    description TEXT NOT NULL DEFAULT '',
    site_id INTEGER REFERENCES sites(id),
    bin_id INTEGER REFERENCES bins(id),
    qty_e4 INTEGER NOT NULL,
    unit_price_e6 INTEGER NOT NULL DEFAULT 0,
    discount_e4 INTEGER NOT NULL DEFAULT 0,
    tax_code_id INTEGER REFERENCES tax_codes(id),
    tax_rate_e4 INTEGER NOT NULL DEFAULT 0,
    net_minor INTEGER NOT NULL DEFAULT 0,
    tax_minor INTEGER NOT NULL DEFAULT 0,
    base_net_minor INTEGER NOT NULL DEFAULT 0,
    unit_cost_e4 INTEGER,
    allocated_e4 INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, line_no)
);
CREATE INDEX document_lines_item_idx ON document_lines (item_id);

CREATE TABLE stock_moves (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    line_id INTEGER REFERENCES document_lines(id),
    item_id INTEGER NOT NULL REFERENCES items(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    bin_id INTEGER REFERENCES bins(id),
    qty_e4 INTEGER NOT NULL,
    value_minor INTEGER NOT NULL,
    move_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX stock_moves_item_site_idx ON stock_moves (item_id, site_id);
CREATE INDEX stock_moves_document_idx ON stock_moves (document_id);

CREATE TABLE stock_levels (
    item_id INTEGER NOT NULL REFERENCES items(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    on_hand_e4 INTEGER NOT NULL DEFAULT 0,
    allocated_e4 INTEGER NOT NULL DEFAULT 0,
    on_order_e4 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, site_id)
);

CREATE TABLE item_costs (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    qty_e4 INTEGER NOT NULL DEFAULT 0,
    value_minor INTEGER NOT NULL DEFAULT 0,
    layers_json TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE journals (
    id INTEGER PRIMARY KEY,
    document_id INTEGER REFERENCES documents(id),
    journal_date TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    reverses_journal_id INTEGER REFERENCES journals(id),
    created_at TEXT NOT NULL
);
CREATE INDEX journals_document_idx ON journals (document_id);

CREATE TABLE journal_lines (
    id INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journals(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    base_minor INTEGER NOT NULL,
    currency TEXT NOT NULL REFERENCES currencies(code),
    amount_minor INTEGER NOT NULL,
    rate_e6 INTEGER NOT NULL
);
CREATE INDEX journal_lines_account_idx ON journal_lines (account_id);
CREATE INDEX journal_lines_journal_idx ON journal_lines (journal_id);

CREATE TABLE document_links (
    from_document_id INTEGER NOT NULL REFERENCES documents(id),
    to_document_id INTEGER NOT NULL REFERENCES documents(id),
    PRIMARY KEY (from_document_id, to_document_id)
);
