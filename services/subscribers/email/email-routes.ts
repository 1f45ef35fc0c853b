import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { requireScope } from '../../common/auth/require-scope.js';
import type { DB } from '../../common/db/database.js';
import { readOrderId } from '../inbox/read-order-id.js';
import { listEmails, listHeldEmails } from './list-emails.js';

export function mountEmailRoutes(app: Express, db: Kysely<DB>): void {
  app.get('/emails', requireScope('email:read'), async (req, res) => {
    const orderId = readOrderId(req.query.orderId, 'orderId');
    const [emails, held] = await Promise.all([listEmails(db, orderId), listHeldEmails(db, orderId)]);
    res.json({ emails, held });
  });
}
