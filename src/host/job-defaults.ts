/** How long `cancel` waits for handlers that ignore their abort signal, ms (the `grace` option). */
export const DEFAULT_CANCEL_GRACE = 5000;

/** How long `shutdown` lets running jobs finish before cancelling them, ms (the `drainTimeout` option). */
export const DEFAULT_DRAIN_TIMEOUT = 5000;

/** How long `shutdown` waits, after cancelling, for handlers that ignore their abort signal, ms. */
export const DEFAULT_SHUTDOWN_GRACE = 1000;
