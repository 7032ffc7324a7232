ALTER TABLE "explorer_scans" ADD COLUMN "status" varchar(20) DEFAULT 'completed' NOT NULL;--> statement-breakpoint
ALTER TABLE "explorer_scans" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "explorer_scans" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "explorer_scans" ADD COLUMN "artifacts_dir" text;