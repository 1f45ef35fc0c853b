import { z } from 'zod';
import { envTypes } from '../../common/config.js';
import { loadSubscriberConfig, type SubscriberConfig } from '../inbox/subscriber-config.js';

export type BillingConfig = SubscriberConfig & {
  /** What a SKU missing from the catalog costs. */
  defaultPriceCents: number;
  /** ISO 4217 code of the catalog and of every charge. */
  currency: string;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): BillingConfig {
  const config = loadSubscriberConfig('billing', env, {
    BILLING_DEFAULT_PRICE_CENTS: envTypes.nonNegativeInt(1000),
    BILLING_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR')
      .default('EUR'),
  });
  return {
    ...config,
    defaultPriceCents: config.extra.BILLING_DEFAULT_PRICE_CENTS,
    currency: config.extra.BILLING_CURRENCY,
  };
}
