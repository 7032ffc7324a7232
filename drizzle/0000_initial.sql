CREATE TABLE "agent_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"trace_id" uuid NOT NULL,
	"task_id" uuid,
	"actor" varchar(50) NOT NULL,
	"event_type" varchar(100) NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_events_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"collection" text NOT NULL,
	"id" text NOT NULL,
	"doc" jsonb NOT NULL,
	"seq" serial NOT NULL,
	CONSTRAINT "documents_collection_id_pk" PRIMARY KEY("collection","id")
);
--> statement-breakpoint
CREATE TABLE "explorer_scans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scan_type" varchar(50) NOT NULL,
	"target" varchar(512) NOT NULL,
	"findings" jsonb,
	"tech_stack" jsonb,
	"security_score" numeric(5, 2),
	"tech_debt_score" numeric(5, 2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox" (
	"consumer" varchar(100) NOT NULL,
	"event_id" text NOT NULL,
	"task_id" text,
	"status" varchar(20) NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"routing_key" varchar(150) NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "preview_deployments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"url" varchar(512) NOT NULL,
	"fallback_url" varchar(512),
	"container_id" varchar(128),
	"port" integer,
	"status" varchar(50) NOT NULL,
	"health_check_url" varchar(512) NOT NULL,
	"working_copy" text,
	"log_path" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_health_check" timestamp with time zone,
	"restart_count" integer DEFAULT 0 NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" varchar(255) NOT NULL,
	"slug" varchar(64) NOT NULL,
	"description" text,
	"repo_url" varchar(512),
	"repo_path" varchar(512),
	"status" varchar(50),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"trace_id" uuid NOT NULL,
	"user_prompt" text NOT NULL,
	"mode" varchar(20) NOT NULL,
	"status" varchar(50) NOT NULL,
	"current_phase" varchar(50) NOT NULL,
	"branch_name" varchar(255),
	"commit_sha" varchar(64),
	"preview_url" varchar(512),
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"cost_total" numeric(10, 6),
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"seq" serial NOT NULL
);
--> statement-breakpoint
ALTER TABLE "preview_deployments" ADD CONSTRAINT "preview_deployments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_trace" ON "agent_events" USING btree ("trace_id");--> statement-breakpoint
CREATE INDEX "idx_task" ON "agent_events" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "idx_actor" ON "agent_events" USING btree ("actor");--> statement-breakpoint
CREATE INDEX "documents_collection_seq_idx" ON "documents" USING btree ("collection","seq");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "outbox" USING btree ("id") WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "preview_deployments_task_idx" ON "preview_deployments" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "preview_deployments_status_idx" ON "preview_deployments" USING btree ("status");--> statement-breakpoint
CREATE INDEX "tasks_project_idx" ON "tasks" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "tasks_seq_idx" ON "tasks" USING btree ("seq");