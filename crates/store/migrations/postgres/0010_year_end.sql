-- Year-end closing journals are left out of profit-and-loss reports.
ALTER TABLE journals ADD COLUMN closing BOOLEAN NOT NULL DEFAULT FALSE;
