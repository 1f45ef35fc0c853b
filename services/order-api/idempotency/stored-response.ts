/** The response first given for an Idempotency-Key, replayed as is for a repeat of the request. */
export type StoredResponse = {
  status: number;
  headers: Record<string, string>;
  body: unknown;
};

export type IdempotencyRecord = {
  scope: string;
  key: string;
  fingerprint: string;
  response: StoredResponse;
  createdAt: Date;
};
