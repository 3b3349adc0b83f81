ALTER TABLE `llm_usage` ADD `priced` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `llm_usage` ADD `step` text;--> statement-breakpoint
ALTER TABLE `llm_usage` ADD `detail` text;--> statement-breakpoint
CREATE INDEX `llm_usage_run` ON `llm_usage` (`run_id`);
