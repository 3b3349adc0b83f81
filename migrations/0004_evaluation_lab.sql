-- reviewed: rebuilds `runs` only to widen its trigger CHECK to 'eval'; every column is copied. No foreign key to runs
-- cascades on delete, and our runner turns foreign_keys off outside the transaction and runs
-- foreign_key_check and the ledger-shrink guard before COMMIT (RELIABILITY.md §4); T8 upgrades filled fixtures.
CREATE TABLE `bars_cache` (
	`source` text NOT NULL,
	`conid` integer NOT NULL,
	`date` text NOT NULL,
	`t` integer NOT NULL,
	`o` real NOT NULL,
	`h` real NOT NULL,
	`l` real NOT NULL,
	`c` real NOT NULL,
	`v` real NOT NULL,
	`fetched_at` integer NOT NULL,
	PRIMARY KEY(`source`, `conid`, `date`)
);
--> statement-breakpoint
CREATE TABLE `evaluation_answers` (
	`key` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`raw_text` text NOT NULL,
	`answer` text NOT NULL,
	`cost_micros` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `evaluation_decisions` (
	`evaluation_id` text NOT NULL,
	`arm` integer NOT NULL,
	`date` text NOT NULL,
	`run_id` text,
	`cache_key` text NOT NULL,
	`inputs_sha256` text NOT NULL,
	`action` text NOT NULL,
	`status` text NOT NULL,
	`entry` real,
	`stop` real,
	`targets` text NOT NULL,
	`confidence` real,
	`fill_date` text,
	`fill_price` real,
	`exit_date` text,
	`exit_price` real,
	`exit_reason` text,
	`r` real,
	`r_optimistic` real,
	`ambiguous` integer NOT NULL,
	`pnl` real,
	`costs` real NOT NULL,
	`mfe_r` real,
	`mae_r` real,
	`cost_micros` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`evaluation_id`, `arm`, `date`),
	FOREIGN KEY (`evaluation_id`) REFERENCES `evaluations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_decisions_targets_json" CHECK(json_valid("evaluation_decisions"."targets")),
	CONSTRAINT "evaluation_decisions_exit_enum" CHECK(("evaluation_decisions"."exit_reason" IS NULL OR "evaluation_decisions"."exit_reason" IN ('target', 'stop', 'time', 'expired')))
);
--> statement-breakpoint
CREATE INDEX `evaluation_decisions_run` ON `evaluation_decisions` (`run_id`);--> statement-breakpoint
CREATE TABLE `evaluation_trials` (
	`evaluation_id` text NOT NULL,
	`arm` integer NOT NULL,
	`strategy_id` text NOT NULL,
	`symbol` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text NOT NULL,
	`label` text NOT NULL,
	`sharpe` real,
	`expectancy_r` real,
	`trades` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`evaluation_id`, `arm`),
	FOREIGN KEY (`evaluation_id`) REFERENCES `evaluations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_trials_strategy` ON `evaluation_trials` (`strategy_id`,`symbol`);--> statement-breakpoint
CREATE TABLE `evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`strategy_id` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text NOT NULL,
	`horizon` integer NOT NULL,
	`request` text NOT NULL,
	`status` text NOT NULL,
	`done` integer NOT NULL,
	`total` integer NOT NULL,
	`error` text,
	`source` text,
	`budget_micros` integer,
	`spent_micros` integer NOT NULL,
	`report` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	CONSTRAINT "evaluations_status_enum" CHECK("evaluations"."status" IN ('running', 'succeeded', 'failed', 'cancelled')),
	CONSTRAINT "evaluations_request_json" CHECK(json_valid("evaluations"."request")),
	CONSTRAINT "evaluations_report_json" CHECK(("evaluations"."report" IS NULL OR json_valid("evaluations"."report")))
);
--> statement-breakpoint
CREATE INDEX `evaluations_created` ON `evaluations` (`created_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`strategy_id` text,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`scheduled_for` integer,
	`day_seq` integer,
	`replay_of` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`lease_until` integer,
	`app_version` text NOT NULL,
	`summary` text,
	`error` text,
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`replay_of`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "runs_trigger_enum" CHECK("__new_runs"."trigger" IN ('schedule', 'manual', 'replay', 'eval')),
	CONSTRAINT "runs_status_enum" CHECK("__new_runs"."status" IN ('running', 'succeeded', 'failed', 'aborted')),
	CONSTRAINT "runs_summary_json" CHECK(("__new_runs"."summary" IS NULL OR json_valid("__new_runs"."summary")))
);
--> statement-breakpoint
INSERT INTO `__new_runs`("id", "strategy_id", "trigger", "status", "scheduled_for", "day_seq", "replay_of", "started_at", "ended_at", "lease_until", "app_version", "summary", "error") SELECT "id", "strategy_id", "trigger", "status", "scheduled_for", "day_seq", "replay_of", "started_at", "ended_at", "lease_until", "app_version", "summary", "error" FROM `runs`;--> statement-breakpoint
DROP TABLE `runs`;--> statement-breakpoint
ALTER TABLE `__new_runs` RENAME TO `runs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_strategy_scheduled` ON `runs` (`strategy_id`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `runs_strategy_started` ON `runs` (`strategy_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_status_started` ON `runs` (`status`,`started_at`);