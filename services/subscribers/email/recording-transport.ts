import type { Logger } from '../../common/logger.js';
import type { EmailTransport } from './email-transport.js';

/** The default transport: records each message in email.messages (one insert per batch) and logs it. */
export function recordingTransport(logger: Logger): EmailTransport {
  return {
    async send(trx, messages) {
      if (messages.length === 0) return;
      await trx
        .insertInto('email.messages')
        .values(
          messages.map((message) => ({
            event_id: message.eventId,
            order_id: message.orderId,
            customer_id: message.customerId,
            kind: message.kind,
            subject: message.subject,
            body: message.body,
            created_at: message.createdAt,
          })),
        )
        .onConflict((conflict) => conflict.column('event_id').doNothing())
        .execute();
      for (const message of messages) {
        logger.info(
          {
            orderId: message.orderId,
            eventId: message.eventId,
            customerId: message.customerId,
            kind: message.kind,
          },
          'email recorded',
        );
      }
    },
  };
}
