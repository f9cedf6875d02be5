-- Nothing looks users up by the number as written any more (the outbox and the SMS password reset use
-- mobile_norm, indexed by dir_user_mobile_norm); the index only cost every import's inserts.
drop index dir_user_mobile;
