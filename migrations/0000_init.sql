CREATE TABLE `artifacts` (
	`sha256` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`mime` text NOT NULL,
	`bytes` integer NOT NULL,
	`path` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "artifacts_sha256_hex" CHECK(length("artifacts"."sha256") = 64)
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`details` text NOT NULL,
	CONSTRAINT "audit_log_details_json" CHECK(json_valid("audit_log"."details"))
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `executions` (
	`exec_id` text PRIMARY KEY NOT NULL,
	`order_id` text,
	`broker_order_id` text NOT NULL,
	`account` text NOT NULL,
	`conid` integer NOT NULL,
	`side` text NOT NULL,
	`qty` integer NOT NULL,
	`price` text NOT NULL,
	`commission` text NOT NULL,
	`at` integer NOT NULL,
	`raw` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "executions_side_enum" CHECK("executions"."side" IN ('BUY', 'SELL')),
	CONSTRAINT "executions_qty_positive" CHECK("executions"."qty" > 0),
	CONSTRAINT "executions_raw_json" CHECK(json_valid("executions"."raw"))
);
--> statement-breakpoint
CREATE INDEX `executions_at` ON `executions` (`at`);--> statement-breakpoint
CREATE INDEX `executions_order` ON `executions` (`order_id`);--> statement-breakpoint
CREATE TABLE `instance` (
	`id` integer PRIMARY KEY NOT NULL,
	`pid` integer NOT NULL,
	`host` text NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	CONSTRAINT "instance_single_row" CHECK("instance"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `instruments` (
	`conid` integer PRIMARY KEY NOT NULL,
	`symbol` text NOT NULL,
	`name` text NOT NULL,
	`exchange` text NOT NULL,
	`sec_type` text NOT NULL,
	`currency` text NOT NULL,
	`details` text NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "instruments_details_json" CHECK(json_valid("instruments"."details"))
);
--> statement-breakpoint
CREATE INDEX `instruments_symbol` ON `instruments` (`symbol`);--> statement-breakpoint
CREATE TABLE `llm_usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`run_id` text,
	`strategy_id` text,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`purpose` text NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`latency_ms` integer NOT NULL,
	`ok` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `llm_usage_at` ON `llm_usage` (`at`);--> statement-breakpoint
CREATE INDEX `llm_usage_strategy_at` ON `llm_usage` (`strategy_id`,`at`);--> statement-breakpoint
CREATE TABLE `order_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`payload` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_events_payload_json" CHECK(json_valid("order_events"."payload"))
);
--> statement-breakpoint
CREATE INDEX `order_events_order` ON `order_events` (`order_id`,`at`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`client_order_id` text NOT NULL,
	`run_id` text,
	`signal_id` text,
	`parent_id` text,
	`leg` text NOT NULL,
	`origin` text NOT NULL,
	`mode` text NOT NULL,
	`account` text NOT NULL,
	`conid` integer NOT NULL,
	`side` text NOT NULL,
	`order_type` text NOT NULL,
	`tif` text NOT NULL,
	`qty` integer NOT NULL,
	`limit_price` text,
	`aux_price` text,
	`outside_rth` integer NOT NULL,
	`broker_order_id` text,
	`status` text NOT NULL,
	`filled_qty` integer NOT NULL,
	`avg_fill_price` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signal_id`) REFERENCES `signals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "orders_status_enum" CHECK("orders"."status" IN ('PENDING_SUBMIT', 'AWAITING_REPLY', 'SUBMITTED', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'UNKNOWN', 'PENDING_CANCEL', 'NOT_PLACED', 'DRY_RUN')),
	CONSTRAINT "orders_leg_enum" CHECK("orders"."leg" IN ('single', 'parent', 'stop', 'target')),
	CONSTRAINT "orders_origin_enum" CHECK("orders"."origin" IN ('strategy', 'manual', 'external')),
	CONSTRAINT "orders_mode_enum" CHECK("orders"."mode" IN ('dry-run', 'paper', 'live')),
	CONSTRAINT "orders_side_enum" CHECK("orders"."side" IN ('BUY', 'SELL')),
	CONSTRAINT "orders_order_type_enum" CHECK("orders"."order_type" IN ('LMT', 'MKT', 'STP', 'STOP_LIMIT')),
	CONSTRAINT "orders_tif_enum" CHECK("orders"."tif" IN ('DAY', 'GTC', 'IOC', 'OPG')),
	CONSTRAINT "orders_qty_positive" CHECK("orders"."qty" > 0),
	CONSTRAINT "orders_filled_range" CHECK("orders"."filled_qty" >= 0 AND "orders"."filled_qty" <= "orders"."qty")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_client_order_id_unique` ON `orders` (`client_order_id`);--> statement-breakpoint
CREATE INDEX `orders_run` ON `orders` (`run_id`);--> statement-breakpoint
CREATE INDEX `orders_broker` ON `orders` (`broker_order_id`);--> statement-breakpoint
CREATE INDEX `orders_status` ON `orders` (`status`);--> statement-breakpoint
CREATE TABLE `portfolio_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`net_liquidation` text NOT NULL,
	`cash` text NOT NULL,
	`realized_pnl` text NOT NULL,
	`unrealized_pnl` text NOT NULL,
	`payload` text NOT NULL,
	CONSTRAINT "portfolio_snapshots_kind_enum" CHECK("portfolio_snapshots"."kind" IN ('close', 'intraday', 'start_of_day')),
	CONSTRAINT "portfolio_snapshots_payload_json" CHECK(json_valid("portfolio_snapshots"."payload"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portfolio_snapshots_account_at_kind` ON `portfolio_snapshots` (`account`,`at`,`kind`);--> statement-breakpoint
CREATE TABLE `positions` (
	`account` text NOT NULL,
	`strategy_id` text NOT NULL,
	`conid` integer NOT NULL,
	`qty` integer NOT NULL,
	`avg_cost` text NOT NULL,
	`realized_pnl` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account`, `strategy_id`, `conid`)
);
--> statement-breakpoint
CREATE TABLE `prompt_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`purpose` text NOT NULL,
	`scope` text NOT NULL,
	`strategy_id` text,
	`is_default` integer NOT NULL,
	`created_at` integer NOT NULL,
	`archived_at` integer,
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "prompt_templates_scope_enum" CHECK("prompt_templates"."scope" IN ('global', 'strategy'))
);
--> statement-breakpoint
CREATE TABLE `prompt_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`template_id` text NOT NULL,
	`version` integer NOT NULL,
	`system` text NOT NULL,
	`body` text NOT NULL,
	`variables` text NOT NULL,
	`sha256` text NOT NULL,
	`note` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`template_id`) REFERENCES `prompt_templates`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "prompt_versions_variables_json" CHECK(json_valid("prompt_versions"."variables"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prompt_versions_template_version` ON `prompt_versions` (`template_id`,`version`);--> statement-breakpoint
CREATE TABLE `risk_state` (
	`account` text PRIMARY KEY NOT NULL,
	`kill_switch` integer NOT NULL,
	`kill_reason` text,
	`kill_at` integer,
	`daily_loss_latched` integer NOT NULL,
	`trading_date` text,
	`start_of_day_nav` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`step` text NOT NULL,
	`seq` integer NOT NULL,
	`attempt` integer NOT NULL,
	`status` text NOT NULL,
	`input` text NOT NULL,
	`output` text,
	`error` text,
	`artifacts` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` real NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "run_steps_status_enum" CHECK("run_steps"."status" IN ('succeeded', 'failed', 'skipped')),
	CONSTRAINT "run_steps_input_json" CHECK(json_valid("run_steps"."input")),
	CONSTRAINT "run_steps_artifacts_json" CHECK(json_valid("run_steps"."artifacts")),
	CONSTRAINT "run_steps_output_json" CHECK(("run_steps"."output" IS NULL OR json_valid("run_steps"."output"))),
	CONSTRAINT "run_steps_error_json" CHECK(("run_steps"."error" IS NULL OR json_valid("run_steps"."error")))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_steps_run_seq_attempt` ON `run_steps` (`run_id`,`seq`,`attempt`);--> statement-breakpoint
CREATE INDEX `run_steps_step_started` ON `run_steps` (`step`,`started_at`);--> statement-breakpoint
CREATE TABLE `runs` (
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
	CONSTRAINT "runs_trigger_enum" CHECK("runs"."trigger" IN ('schedule', 'manual', 'replay')),
	CONSTRAINT "runs_status_enum" CHECK("runs"."status" IN ('running', 'succeeded', 'failed', 'aborted')),
	CONSTRAINT "runs_summary_json" CHECK(("runs"."summary" IS NULL OR json_valid("runs"."summary")))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_strategy_scheduled` ON `runs` (`strategy_id`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `runs_strategy_started` ON `runs` (`strategy_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_status_started` ON `runs` (`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `schedule_fires` (
	`strategy_id` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`outcome` text NOT NULL,
	`run_id` text,
	`reason` text NOT NULL,
	`recorded_at` integer NOT NULL,
	PRIMARY KEY(`strategy_id`, `scheduled_for`),
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "schedule_fires_outcome_enum" CHECK("schedule_fires"."outcome" IN ('RAN', 'MISSED', 'SKIPPED_OVERLAP', 'SKIPPED_SESSION', 'SKIPPED_CLOSED'))
);
--> statement-breakpoint
CREATE TABLE `schedules` (
	`strategy_id` text PRIMARY KEY NOT NULL,
	`cron` text NOT NULL,
	`tz` text NOT NULL,
	`missed_policy` text NOT NULL,
	`grace_ms` integer NOT NULL,
	`paused` integer NOT NULL,
	`next_run_at` integer,
	`last_seen_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "schedules_missed_policy_enum" CHECK("schedules"."missed_policy" IN ('skip', 'run_latest_if_within_grace'))
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "settings_value_json" CHECK(json_valid("settings"."value"))
);
--> statement-breakpoint
CREATE TABLE `signals` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`strategy_id` text,
	`conid` integer NOT NULL,
	`symbol` text NOT NULL,
	`action` text NOT NULL,
	`confidence` real,
	`entry` text,
	`stop` text,
	`targets` text NOT NULL,
	`reward_risk` real,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`prompt_version_id` text,
	`payload` text NOT NULL,
	`outcome` text,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prompt_version_id`) REFERENCES `prompt_versions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "signals_action_enum" CHECK("signals"."action" IN ('BUY', 'SELL', 'HOLD', 'REVIEW')),
	CONSTRAINT "signals_targets_json" CHECK(json_valid("signals"."targets")),
	CONSTRAINT "signals_payload_json" CHECK(json_valid("signals"."payload")),
	CONSTRAINT "signals_outcome_json" CHECK(("signals"."outcome" IS NULL OR json_valid("signals"."outcome")))
);
--> statement-breakpoint
CREATE INDEX `signals_created` ON `signals` (`created_at`);--> statement-breakpoint
CREATE INDEX `signals_strategy_created` ON `signals` (`strategy_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `strategies` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`approval` text NOT NULL,
	`active` integer NOT NULL,
	`config` text NOT NULL,
	`revision` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "strategies_mode_enum" CHECK("strategies"."mode" IN ('dry-run', 'paper', 'live')),
	CONSTRAINT "strategies_approval_enum" CHECK("strategies"."approval" IN ('auto', 'ask')),
	CONSTRAINT "strategies_config_json" CHECK(json_valid("strategies"."config"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `strategies_key_unique` ON `strategies` (`key`);--> statement-breakpoint
CREATE TABLE `trades` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`strategy_id` text NOT NULL,
	`conid` integer NOT NULL,
	`run_id` text,
	`signal_id` text,
	`direction` text NOT NULL,
	`qty` integer NOT NULL,
	`entry_price` text NOT NULL,
	`exit_price` text,
	`initial_risk` text,
	`realized_pnl` text,
	`fees` text NOT NULL,
	`r_multiple` real,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signal_id`) REFERENCES `signals`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trades_direction_enum" CHECK("trades"."direction" IN ('long', 'short'))
);
--> statement-breakpoint
CREATE INDEX `trades_closed` ON `trades` (`closed_at`);--> statement-breakpoint
CREATE TABLE `watchlist` (
	`conid` integer PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`conid`) REFERENCES `instruments`(`conid`) ON UPDATE no action ON DELETE no action
);
