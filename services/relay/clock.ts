/** Injected wherever the relay decides by time (retry schedule, dead-letter times, signatures). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };
