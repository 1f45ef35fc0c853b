import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { EmailKind } from './render-email.js';

export type EmailMessage = {
  /** The event the message answers: at most one message per event. */
  eventId: string;
  orderId: string;
  customerId: string;
  kind: EmailKind;
  subject: string;
  body: string;
  createdAt: Date;
};

/**
 * Where rendered messages go. It runs inside the batch's transaction, so a transport must only
 * record or enqueue (an SMTP call here could not be rolled back with the batch); a real mailer
 * would drain what was recorded, after commit.
 */
export type EmailTransport = {
  send(trx: Transaction<DB>, messages: EmailMessage[]): Promise<void>;
};
