-- How an indicator travels from baseline to target: linear for levels, compound for growth-type ones.
ALTER TABLE indicators ADD COLUMN path TEXT NOT NULL DEFAULT 'linear';
