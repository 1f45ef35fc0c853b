/**
 * The channel writers NOTIFY after committing outbox rows and the relay LISTENs on. The payload is
 * empty: a notification is only a hint to read now; the relay's poll covers any that are lost.
 */
export const OUTBOX_NOTIFY_CHANNEL = 'outbox_events';
