-- Blind indexes per organisation (lib/crypto/blind-index.ts): new indexes are
-- written as "v2.<HMAC under the organisation's derived key>". Rows written
-- before keep the legacy global form until `npm run keys:reindex` moves them,
-- so each index column accepts both forms, and nothing else.
ALTER TABLE "member"
  DROP CONSTRAINT "member_email_index_hmac",
  DROP CONSTRAINT "member_phone_index_hmac",
  DROP CONSTRAINT "member_nin_index_hmac",
  DROP CONSTRAINT "member_bvn_index_hmac",
  ADD CONSTRAINT "member_email_index_hmac" CHECK ("email_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "member_phone_index_hmac" CHECK ("phone_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "member_nin_index_hmac" CHECK ("nin_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "member_bvn_index_hmac" CHECK ("bvn_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$');

ALTER TABLE "donor"
  DROP CONSTRAINT "donor_email_index_hmac",
  ADD CONSTRAINT "donor_email_index_hmac" CHECK ("email_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$');

ALTER TABLE "payment"
  DROP CONSTRAINT "payment_mpesa_receipt_index_hmac",
  DROP CONSTRAINT "payment_payer_phone_index_hmac",
  ADD CONSTRAINT "payment_mpesa_receipt_index_hmac" CHECK ("mpesa_receipt_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "payment_payer_phone_index_hmac" CHECK ("payer_phone_index" ~ '^(v2\.)?[A-Za-z0-9_-]{43}$');
