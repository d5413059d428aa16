-- Master data. Money: INTEGER minor units; quantities and unit costs: INTEGER x 10^4;
-- exchange rates: INTEGER x 10^6; tax rates: INTEGER percent x 10^4. Dates: TEXT YYYY-MM-DD.
CREATE TABLE currencies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    minor_units INTEGER NOT NULL CHECK (minor_units BETWEEN 0 AND 4),
    is_base BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL REFERENCES currencies(code),
    rate_date TEXT NOT NULL,
    rate_e6 INTEGER NOT NULL CHECK (rate_e6 > 0),
    quoted_foreign_per_base_e6 INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (currency, rate_date)
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    account_type TEXT NOT NULL,
    currency TEXT REFERENCES currencies(code),
    system_role TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX accounts_code_key ON accounts (lower(code));
CREATE UNIQUE INDEX accounts_role_key ON accounts (system_role, coalesce(currency, '')) WHERE system_role IS NOT NULL;

CREATE TABLE tax_codes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    rate_e4 INTEGER NOT NULL CHECK (rate_e4 BETWEEN 0 AND 1000000),
    sales_account_id INTEGER REFERENCES accounts(id),
    purchase_account_id INTEGER REFERENCES accounts(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX tax_codes_code_key ON tax_codes (lower(code));

CREATE TABLE payment_terms (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    days INTEGER NOT NULL CHECK (days >= 0),
    from_end_of_month BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX payment_terms_code_key ON payment_terms (lower(code));

CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL REFERENCES currencies(code),
    prices_include_tax BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX price_lists_code_key ON price_lists (lower(code));

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sites_code_key ON sites (lower(code));

CREATE TABLE bins (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX bins_code_key ON bins (site_id, lower(code));

CREATE TABLE parties (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('customer', 'vendor')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    contacts_json TEXT NOT NULL DEFAULT '[]',
    billing_address_json TEXT NOT NULL DEFAULT '{}',
    shipping_address_json TEXT NOT NULL DEFAULT '{}',
    currency TEXT NOT NULL REFERENCES currencies(code),
    payment_terms_id INTEGER REFERENCES payment_terms(id),
    tax_code_id INTEGER REFERENCES tax_codes(id),
    credit_limit_minor INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit_minor >= 0),
    notes TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX parties_code_key ON parties (kind, lower(code));
CREATE INDEX parties_email_idx ON parties (lower(email));

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    item_type TEXT NOT NULL,
    unit TEXT NOT NULL,
    standard_cost_e4 INTEGER NOT NULL DEFAULT 0 CHECK (standard_cost_e4 >= 0),
    barcode TEXT NOT NULL DEFAULT '',
    weight_e4 INTEGER NOT NULL DEFAULT 0 CHECK (weight_e4 >= 0),
    tax_code_id INTEGER REFERENCES tax_codes(id),
    reorder_level_e4 INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level_e4 >= 0),
    preferred_vendor_id INTEGER REFERENCES parties(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX items_code_key ON items (lower(code));

CREATE TABLE item_prices (
    item_id INTEGER NOT NULL REFERENCES items(id),
    price_list_id INTEGER NOT NULL REFERENCES price_lists(id),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    PRIMARY KEY (item_id, price_list_id)
);

CREATE TABLE company (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    base_currency TEXT NOT NULL REFERENCES currencies(code),
    financial_year_start TEXT NOT NULL,
    tax_rounding TEXT NOT NULL,
    negative_stock TEXT NOT NULL,
    default_item_id INTEGER REFERENCES items(id),
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
