-- empact schema 2: full-text search (FTS5) over the texts people search for: names, titles,
-- aims, goals, section texts, action descriptions, practices and document subjects. Each index
-- is an external-content table kept in step by triggers, so the text is stored once.

CREATE VIRTUAL TABLE organisations_fts USING fts5(name, content='organisations', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER organisations_fts_insert AFTER INSERT ON organisations BEGIN
	INSERT INTO organisations_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER organisations_fts_delete AFTER DELETE ON organisations BEGIN
	INSERT INTO organisations_fts (organisations_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER organisations_fts_update AFTER UPDATE OF name ON organisations BEGIN
	INSERT INTO organisations_fts (organisations_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO organisations_fts (rowid, name) VALUES (new.id, new.name);
END;
INSERT INTO organisations_fts (organisations_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE priorities_fts USING fts5(short_name, aim, content='priorities', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER priorities_fts_insert AFTER INSERT ON priorities BEGIN
	INSERT INTO priorities_fts (rowid, short_name, aim) VALUES (new.id, new.short_name, new.aim);
END;
CREATE TRIGGER priorities_fts_delete AFTER DELETE ON priorities BEGIN
	INSERT INTO priorities_fts (priorities_fts, rowid, short_name, aim) VALUES ('delete', old.id, old.short_name, old.aim);
END;
CREATE TRIGGER priorities_fts_update AFTER UPDATE OF short_name, aim ON priorities BEGIN
	INSERT INTO priorities_fts (priorities_fts, rowid, short_name, aim) VALUES ('delete', old.id, old.short_name, old.aim);
	INSERT INTO priorities_fts (rowid, short_name, aim) VALUES (new.id, new.short_name, new.aim);
END;
INSERT INTO priorities_fts (priorities_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE strategic_goals_fts USING fts5(text, content='strategic_goals', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER strategic_goals_fts_insert AFTER INSERT ON strategic_goals BEGIN
	INSERT INTO strategic_goals_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER strategic_goals_fts_delete AFTER DELETE ON strategic_goals BEGIN
	INSERT INTO strategic_goals_fts (strategic_goals_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER strategic_goals_fts_update AFTER UPDATE OF text ON strategic_goals BEGIN
	INSERT INTO strategic_goals_fts (strategic_goals_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO strategic_goals_fts (rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO strategic_goals_fts (strategic_goals_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE shared_goals_fts USING fts5(text, content='shared_goals', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER shared_goals_fts_insert AFTER INSERT ON shared_goals BEGIN
	INSERT INTO shared_goals_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER shared_goals_fts_delete AFTER DELETE ON shared_goals BEGIN
	INSERT INTO shared_goals_fts (shared_goals_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER shared_goals_fts_update AFTER UPDATE OF text ON shared_goals BEGIN
	INSERT INTO shared_goals_fts (shared_goals_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO shared_goals_fts (rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO shared_goals_fts (shared_goals_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE oaps_fts USING fts5(title, content='oaps', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER oaps_fts_insert AFTER INSERT ON oaps BEGIN
	INSERT INTO oaps_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER oaps_fts_delete AFTER DELETE ON oaps BEGIN
	INSERT INTO oaps_fts (oaps_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER oaps_fts_update AFTER UPDATE OF title ON oaps BEGIN
	INSERT INTO oaps_fts (oaps_fts, rowid, title) VALUES ('delete', old.id, old.title);
	INSERT INTO oaps_fts (rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO oaps_fts (oaps_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE oap_sections_fts USING fts5(heading, text, content='oap_sections', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER oap_sections_fts_insert AFTER INSERT ON oap_sections BEGIN
	INSERT INTO oap_sections_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
END;
CREATE TRIGGER oap_sections_fts_delete AFTER DELETE ON oap_sections BEGIN
	INSERT INTO oap_sections_fts (oap_sections_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
END;
CREATE TRIGGER oap_sections_fts_update AFTER UPDATE OF heading, text ON oap_sections BEGIN
	INSERT INTO oap_sections_fts (oap_sections_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
	INSERT INTO oap_sections_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
END;
INSERT INTO oap_sections_fts (oap_sections_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE actions_fts USING fts5(title, description, content='actions', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER actions_fts_insert AFTER INSERT ON actions BEGIN
	INSERT INTO actions_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER actions_fts_delete AFTER DELETE ON actions BEGIN
	INSERT INTO actions_fts (actions_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER actions_fts_update AFTER UPDATE OF title, description ON actions BEGIN
	INSERT INTO actions_fts (actions_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
	INSERT INTO actions_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
INSERT INTO actions_fts (actions_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE jads_fts USING fts5(name, description, content='jads', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER jads_fts_insert AFTER INSERT ON jads BEGIN
	INSERT INTO jads_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER jads_fts_delete AFTER DELETE ON jads BEGIN
	INSERT INTO jads_fts (jads_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER jads_fts_update AFTER UPDATE OF name, description ON jads BEGIN
	INSERT INTO jads_fts (jads_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
	INSERT INTO jads_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
INSERT INTO jads_fts (jads_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE good_practices_fts USING fts5(title, text, content='good_practices', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER good_practices_fts_insert AFTER INSERT ON good_practices BEGIN
	INSERT INTO good_practices_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER good_practices_fts_delete AFTER DELETE ON good_practices BEGIN
	INSERT INTO good_practices_fts (good_practices_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER good_practices_fts_update AFTER UPDATE OF title, text ON good_practices BEGIN
	INSERT INTO good_practices_fts (good_practices_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
	INSERT INTO good_practices_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO good_practices_fts (good_practices_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE council_documents_fts USING fts5(subject, content='council_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER council_documents_fts_insert AFTER INSERT ON council_documents BEGIN
	INSERT INTO council_documents_fts (rowid, subject) VALUES (new.id, new.subject);
END;
CREATE TRIGGER council_documents_fts_delete AFTER DELETE ON council_documents BEGIN
	INSERT INTO council_documents_fts (council_documents_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
CREATE TRIGGER council_documents_fts_update AFTER UPDATE OF subject ON council_documents BEGIN
	INSERT INTO council_documents_fts (council_documents_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
	INSERT INTO council_documents_fts (rowid, subject) VALUES (new.id, new.subject);
END;
INSERT INTO council_documents_fts (council_documents_fts) VALUES ('rebuild');
