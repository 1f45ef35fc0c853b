/**
 * The time source, injected wherever a service decides by time (retry schedules, purge cut-offs,
 * dead-letter and inbox timestamps, signatures) so that tests can fix or move it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
