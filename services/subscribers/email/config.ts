import { loadSubscriberConfig, type SubscriberConfig } from '../inbox/subscriber-config.js';

export function loadConfig(env: Record<string, string | undefined> = process.env): SubscriberConfig {
  return loadSubscriberConfig('email', env, {});
}
