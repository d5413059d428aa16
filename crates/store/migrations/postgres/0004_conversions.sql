-- Conversions: each line remembers the line it was converted from.
ALTER TABLE document_lines ADD COLUMN source_line_id BIGINT REFERENCES document_lines(id);
CREATE INDEX document_lines_source_idx ON document_lines (source_line_id);
