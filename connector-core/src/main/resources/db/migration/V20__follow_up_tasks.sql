-- The follow-up tasks the engine wrote, as last read back from the CRM: open, completed (when, by whom),
-- deleted in the CRM, or withdrawn by the engine (the answer changed to a category without a task). One row per
-- connection and task key (task:ANSWER); the CRM's task id is the one the write-back last named.
CREATE TABLE follow_up_tasks (
  connection        VARCHAR(63)  NOT NULL,
  task_key          VARCHAR(600) NOT NULL,
  answer_id         BIGINT,
  contact_crm_id    VARCHAR(255),
  crm_task_id       VARCHAR(255) NOT NULL,
  status            VARCHAR(16)  NOT NULL,
  crm_status        VARCHAR(64),
  owner_id          VARCHAR(255),
  owner_name        VARCHAR(255),
  due_date          DATE,
  completed_at      TIMESTAMP WITH TIME ZONE,
  completed_by_id   VARCHAR(255),
  completed_by_name VARCHAR(255),
  crm_modified_at   TIMESTAMP WITH TIME ZONE,
  read_at           TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_follow_up_tasks PRIMARY KEY (connection, task_key),
  CONSTRAINT ck_follow_up_status CHECK (status IN ('OPEN', 'COMPLETED', 'DELETED', 'WITHDRAWN'))
);
CREATE INDEX ix_follow_up_tasks_read ON follow_up_tasks (connection, status, read_at);
CREATE INDEX ix_follow_up_tasks_contact ON follow_up_tasks (connection, contact_crm_id);
