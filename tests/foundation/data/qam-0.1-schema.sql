CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            old TEXT,
            new TEXT,
            reason TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE question_set (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            framework TEXT NOT NULL,
            scale TEXT NOT NULL,
            digest TEXT NOT NULL,
            body TEXT NOT NULL,
            loaded_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        );
CREATE TABLE register_item (
            id TEXT PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE COLLATE NOCASE,
            text TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('cause_of_concern', 'recommendation', 'area_for_improvement')),
            scope TEXT NOT NULL CHECK (scope IN ('national', 'force', 'joint')),
            status TEXT NOT NULL CHECK (status IN ('completed', 'no_further_action', 'will_not_be_progressed',
                                                   'being_progressed', 'will_be_progressed', 'awaiting_review')),
            theme TEXT,
            owner TEXT,
            action_lead TEXT,
            report_title TEXT,
            report_published TEXT,
            report_url TEXT,
            risk TEXT,
            impact TEXT,
            due TEXT,
            objectives TEXT NOT NULL DEFAULT '[]',
            timeframe TEXT,
            checkpoints TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '{}',
            source_file TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
CREATE INDEX register_item_status ON register_item(status);
CREATE INDEX register_item_type ON register_item(type);
CREATE INDEX register_item_scope ON register_item(scope);
CREATE INDEX register_item_theme ON register_item(theme);
CREATE INDEX register_item_report_published ON register_item(report_published);
CREATE TABLE status_decision (
            id TEXT PRIMARY KEY,
            item_ref TEXT NOT NULL,
            old_status TEXT,
            new_status TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (trim(reason) <> ''),
            evidence TEXT,
            approver TEXT,
            actor TEXT NOT NULL CHECK (trim(actor) <> ''),
            decided_at TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('cli', 'import', 'sync')),
            event_id TEXT
        );
CREATE INDEX status_decision_item ON status_decision(item_ref, decided_at);
CREATE TABLE outcome (
            id TEXT PRIMARY KEY,
            force TEXT NOT NULL,
            area TEXT NOT NULL,
            grade TEXT NOT NULL CHECK (grade IN ('outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate')),
            report_title TEXT,
            published TEXT,
            source_file TEXT,
            imported_at TEXT NOT NULL
        );
CREATE INDEX outcome_force ON outcome(force, published);
CREATE VIRTUAL TABLE "register_item_fts" USING FTS5 (
    "ref", "text", "report_title",
    content="register_item"
);
CREATE TABLE sme (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT,
            unit TEXT NOT NULL,
            skills TEXT NOT NULL DEFAULT '[]',
            unavailable TEXT NOT NULL DEFAULT '[]',
            interest_recorded_at TEXT,
            updated_at TEXT NOT NULL
        );
CREATE TABLE candidate_review (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            theme TEXT NOT NULL,
            unit TEXT NOT NULL,
            days INTEGER NOT NULL,
            team_size INTEGER NOT NULL,
            earliest TEXT,
            latest TEXT,
            priority INTEGER NOT NULL,
            base_priority INTEGER NOT NULL,
            inspection TEXT,
            source TEXT,
            methods TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL,
            why TEXT,
            updated_at TEXT NOT NULL
        );
CREATE TABLE inspection (id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, theme TEXT NOT NULL, expected TEXT NOT NULL);
CREATE TABLE area_of_interest (id TEXT PRIMARY KEY, title TEXT NOT NULL, theme TEXT NOT NULL, source TEXT NOT NULL, priority INTEGER NOT NULL, raised TEXT);
CREATE TABLE plan_pin (review_id TEXT PRIMARY KEY, start TEXT NOT NULL);
CREATE TABLE plan_exclusion (sme_id TEXT NOT NULL, review_id TEXT NOT NULL DEFAULT '', PRIMARY KEY (sme_id, review_id));
CREATE TABLE plan_proposal (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            settings TEXT NOT NULL,
            result TEXT NOT NULL,
            accepted_at TEXT
        );
CREATE TABLE review (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            theme TEXT NOT NULL,
            unit TEXT NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            days INTEGER NOT NULL,
            question_set TEXT NOT NULL DEFAULT 'paf-2023',
            methods TEXT NOT NULL DEFAULT '[]',
            inspection TEXT,
            status TEXT NOT NULL DEFAULT 'planned',
            proposal_id TEXT,
            accepted_at TEXT
        );
CREATE TABLE review_team (review_id TEXT NOT NULL REFERENCES review(id) ON DELETE CASCADE, sme_id TEXT NOT NULL, PRIMARY KEY (review_id, sme_id));
CREATE TABLE capture_session (
            id TEXT PRIMARY KEY, review_id TEXT NOT NULL, method TEXT NOT NULL, held_on TEXT,
            place TEXT, participants TEXT NOT NULL DEFAULT '[]', head_count INTEGER,
            reviewer TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, finalised_at TEXT, created_at TEXT NOT NULL,
            document_title TEXT, document_hash TEXT);
CREATE INDEX capture_session_review ON capture_session(review_id);
CREATE TABLE finding (
            id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES capture_session(id),
            review_id TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, question_id TEXT NOT NULL,
            method TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', grade TEXT,
            good_practice INTEGER NOT NULL DEFAULT 0, concerns TEXT, sources INTEGER,
            participant_role TEXT, participant_unit TEXT, reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL, supersedes TEXT, responses INTEGER, grade_counts TEXT);
CREATE INDEX finding_session ON finding(session_id);
CREATE INDEX finding_review ON finding(review_id);
CREATE INDEX finding_supersedes ON finding(supersedes);
CREATE TABLE finding_link (finding_id TEXT NOT NULL REFERENCES finding(id), item_ref TEXT NOT NULL, PRIMARY KEY (finding_id, item_ref));
CREATE VIRTUAL TABLE "finding_fts" USING FTS5 (
    "notes", "concerns",
    tokenize='porter',
    content="finding"
);
CREATE TABLE register_conflict (
            id TEXT PRIMARY KEY, item_ref TEXT NOT NULL, old_status TEXT, decision_ids TEXT NOT NULL,
            statuses TEXT NOT NULL, detected_at TEXT NOT NULL, resolved_by TEXT, resolved_at TEXT);
CREATE TABLE decision_origin (decision_id TEXT PRIMARY KEY, store_id TEXT NOT NULL);
CREATE TABLE synced_event (original_event_id TEXT PRIMARY KEY, local_event_id TEXT NOT NULL, store_id TEXT);
CREATE TABLE finding_conflict (
            id TEXT PRIMARY KEY, finding_id TEXT NOT NULL, version_ids TEXT NOT NULL,
            detected_at TEXT NOT NULL, kept_id TEXT, reason TEXT, resolved_by TEXT,
            resolved_at TEXT);
CREATE INDEX finding_conflict_finding ON finding_conflict(finding_id);
CREATE TABLE finding_set_aside (
            finding_id TEXT PRIMARY KEY, kept_id TEXT NOT NULL, conflict_id TEXT NOT NULL,
            reason TEXT NOT NULL, actor TEXT NOT NULL, set_aside_at TEXT NOT NULL);
CREATE TRIGGER finding_set_aside_no_update BEFORE UPDATE ON finding_set_aside BEGIN SELECT RAISE(ABORT, 'a conflict resolution is never changed; resolve again with a reason'); END;
CREATE TRIGGER finding_set_aside_no_delete BEFORE DELETE ON finding_set_aside BEGIN SELECT RAISE(ABORT, 'a conflict resolution is never deleted'); END;
CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding WHEN NOT EXISTS (SELECT 1 FROM setting WHERE key = 'retention_purge_running') BEGIN SELECT RAISE(ABORT, 'a finding is never changed in place; record a correction with qam findings correct'); END;
CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding WHEN NOT EXISTS (SELECT 1 FROM setting WHERE key = 'retention_purge_running') BEGIN SELECT RAISE(ABORT, 'a finding is never deleted; record a correction with qam findings correct'); END;
CREATE TRIGGER capture_session_locked BEFORE UPDATE ON capture_session WHEN OLD.finalised_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM setting WHERE key = 'retention_purge_running') BEGIN SELECT RAISE(ABORT, 'this capture session is finalised and locked'); END;
CREATE TABLE purged_record (
            record_table TEXT NOT NULL, record_id TEXT NOT NULL, purged_at TEXT NOT NULL,
            event_id TEXT NOT NULL, PRIMARY KEY (record_table, record_id));
