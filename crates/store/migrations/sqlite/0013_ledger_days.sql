-- Balances kept per account, day and closing flag, maintained with every journal, so
-- the trial balance, balance sheet and P&L add up a few thousand rows instead of
-- every journal line.
CREATE TABLE ledger_days (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    day TEXT NOT NULL,
    closing BOOLEAN NOT NULL DEFAULT FALSE,
    base_minor INTEGER NOT NULL DEFAULT 0,
    lines INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day, closing)
);
CREATE INDEX ledger_days_day_idx ON ledger_days (day);

INSERT INTO ledger_days (account_id, day, closing, base_minor, lines)
SELECT l.account_id, j.journal_date, j.closing, CAST(SUM(l.base_minor) AS BIGINT), COUNT(*)
FROM journal_lines l JOIN journals j ON j.id = l.journal_id
GROUP BY l.account_id, j.journal_date, j.closing;
