-- People's accounts: users invited by an admin, their invitations, their
-- browser sessions, failed sign-ins (the rate limit, shared by every server
-- process) and their personal API tokens. Secrets are stored hashed only:
-- passwords as Argon2id strings (libsodium), invitation tokens and session
-- ids as SHA-256.

CREATE TABLE users (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email           text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'
                                        AND length(email) <= 254),
  name            text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  role            text NOT NULL CHECK (role IN ('member', 'foundation', 'animator', 'admin')),
  -- The circle an animator works on (members may have one too).
  circle_id       bigint REFERENCES territories (id),
  -- NULL until the invitation is used (or after a reset).
  password_hash   text CHECK (password_hash LIKE '$argon2id$%'),
  disabled        boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  last_sign_in_at timestamptz,
  CHECK (role <> 'animator' OR circle_id IS NOT NULL)
);
-- One account per address, whatever its case.
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

-- Single use, 7 days; a reset revokes the earlier ones.
CREATE TABLE invitations (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL DEFAULT now() + interval '7 days',
  used_at      timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX invitations_user_idx ON invitations (user_id);

-- Browser sessions: the cookie holds the secret, the table its SHA-256. Idle
-- after 8 hours without a request, over after 30 days (checked on lookup).
CREATE TABLE sessions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  secret_sha256 bytea NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  client        text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Failed sign-ins of the last minutes, by folded address and by client
-- address: five of either within 15 minutes refuse further attempts.
CREATE TABLE sign_in_failures (
  id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at     timestamptz NOT NULL DEFAULT now(),
  email  text NOT NULL,  -- lower-cased as typed
  client text NOT NULL
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_client_idx ON sign_in_failures (client, at);

-- Personal tokens belong to a user: they act with the user's current role
-- and circle, and stop when the account is disabled.
ALTER TABLE api_tokens ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id) WHERE user_id IS NOT NULL;

-- Accounts (sign_in, sign_in_failed, invite, role_change, …) and the
-- follow-up of matches add their own actions: any lower-case word.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action ~ '^[a-z_]+$');
