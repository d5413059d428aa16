-- Cart Connect: shopping carts, links to cart records, imported orders, failed imports,
-- sync runs and the outbox of changes to push.
CREATE TABLE carts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    cart_type TEXT NOT NULL,
    url TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    price_list_id INTEGER REFERENCES price_lists(id),
    safety_buffer_e4 INTEGER NOT NULL DEFAULT 0 CHECK (safety_buffer_e4 >= 0),
    notify_email TEXT NOT NULL DEFAULT '',
    import_as TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'STOPPED' CHECK (status IN ('STOPPED', 'RUNNING')),
    last_order_from TEXT NOT NULL,
    last_update_time TEXT NOT NULL,
    from_customer_updates BOOLEAN NOT NULL DEFAULT FALSE,
    from_item_updates BOOLEAN NOT NULL DEFAULT FALSE,
    to_customer_updates BOOLEAN NOT NULL DEFAULT FALSE,
    to_stock_updates BOOLEAN NOT NULL DEFAULT FALSE,
    to_item_updates BOOLEAN NOT NULL DEFAULT FALSE,
    interval_secs INTEGER NOT NULL DEFAULT 600 CHECK (interval_secs >= 60),
    tested_fingerprint TEXT,
    tested_at TEXT,
    shop_timezone TEXT,
    lease_owner TEXT,
    lease_until TEXT,
    last_run_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX carts_name_idx ON carts (lower(name));

CREATE TABLE cart_sites (
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    PRIMARY KEY (cart_id, site_id)
);

-- A local item or customer tied to a cart record; one per (cart, entity, remote id).
CREATE TABLE cart_links (
    id INTEGER PRIMARY KEY,
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    entity TEXT NOT NULL CHECK (entity IN ('item', 'customer')),
    remote_id TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    remote_sku TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cart_links_remote_idx ON cart_links (cart_id, entity, remote_id);
CREATE INDEX cart_links_local_idx ON cart_links (entity, local_id);

-- The unique link that makes order import idempotent.
CREATE TABLE cart_orders (
    id INTEGER PRIMARY KEY,
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    reference TEXT NOT NULL DEFAULT '',
    remote_updated TEXT,
    remote_status TEXT NOT NULL DEFAULT '',
    cart_total_minor INTEGER NOT NULL,
    document_total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cart_orders_remote_idx ON cart_orders (cart_id, remote_id);
CREATE INDEX cart_orders_document_idx ON cart_orders (document_id);

CREATE TABLE cart_failed (
    id INTEGER PRIMARY KEY,
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    response TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 1,
    first_failed_at TEXT NOT NULL,
    last_tried_at TEXT NOT NULL,
    dismissed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX cart_failed_remote_idx ON cart_failed (cart_id, remote_id);

CREATE TABLE cart_runs (
    id INTEGER PRIMARY KEY,
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    trigger TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'running',
    counts TEXT NOT NULL DEFAULT '{}',
    errors TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX cart_runs_cart_idx ON cart_runs (cart_id, id);

-- Changes to push, written in the transaction that made them; one row per
-- (cart, kind, record) so a burst of changes coalesces into one push.
CREATE TABLE cart_outbox (
    id INTEGER PRIMARY KEY,
    cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('stock', 'item', 'customer')),
    local_id INTEGER NOT NULL,
    seq INTEGER NOT NULL DEFAULT 1,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cart_outbox_key_idx ON cart_outbox (cart_id, kind, local_id);

-- Outgoing mail for run-error notifications (JSON: host, port, from).
ALTER TABLE company ADD COLUMN smtp TEXT NOT NULL DEFAULT '{}';
