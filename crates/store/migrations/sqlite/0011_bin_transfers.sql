-- Transfers between bins: the destination bin of a stock transfer.
ALTER TABLE documents ADD COLUMN to_bin_id INTEGER REFERENCES bins(id);
