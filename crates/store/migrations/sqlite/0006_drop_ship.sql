-- Drop shipping: a ship-to address on documents, and lines whose goods never enter a site.
ALTER TABLE documents ADD COLUMN ship_to_json TEXT;
ALTER TABLE document_lines ADD COLUMN drop_ship BOOLEAN NOT NULL DEFAULT FALSE;
