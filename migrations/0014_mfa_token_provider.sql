-- The second step of a provider sign-in (issue 23): with TOTP on, a provider
-- sign-in also stops at the mfa_token. `provider` names the provider it came
-- from (NULL: a password sign-in), so the completed session's amr starts with
-- `fed`; `link_subject` and `link_email` carry the provider account of a
-- first-time automatic link, written only in the batch that completes the
-- step (NULL when the identity was already linked).
ALTER TABLE mfa_tokens ADD COLUMN provider TEXT;
ALTER TABLE mfa_tokens ADD COLUMN link_subject TEXT;
ALTER TABLE mfa_tokens ADD COLUMN link_email TEXT;
