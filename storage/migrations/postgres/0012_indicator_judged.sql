-- PostgreSQL's form of ../0012_indicator_judged.sql (no 0011 was ever shipped: the runner applies the numbers that exist, in order).
-- Period-average targets ("tăng trưởng GRDP bình quân trên 9%/năm" over 2021-2030): what a target is judged
-- on (the year's value, or the average of the years since `since`). Existing rows keep being judged on the
-- year until their catalogue is loaded again.
ALTER TABLE indicators ADD COLUMN judged TEXT NOT NULL DEFAULT 'year';
ALTER TABLE indicators ADD COLUMN since BIGINT;
-- Tasks and milestones have no unit: a task is answered by status and percentage done (shown as "60 %"
-- by the answer itself), a milestone by yes or no; "(%)" beside their names read as a figure in percent.
UPDATE data_elements SET unit = '' WHERE is_task = 1;
