-- One database per service; no service reads another's.
CREATE DATABASE autoverify_ingest;
CREATE DATABASE autoverify_invite;
CREATE DATABASE autoverify_reminder;
CREATE DATABASE autoverify_notify;
CREATE DATABASE autoverify_report_sync;
CREATE DATABASE autoverify_support;
