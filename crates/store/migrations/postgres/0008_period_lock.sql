-- Period lock: nothing may be posted, saved, voided or dated on or before this date.
ALTER TABLE company ADD COLUMN lock_date TEXT;
