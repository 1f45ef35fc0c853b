/** The time source, injected everywhere a timestamp is taken so tests can fix or move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
