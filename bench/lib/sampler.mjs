// Timing one harness workload on several systems: bench/ab.mjs and bench/events.mjs.

/**
 * `sample(name)`: mean ms per execution of `runners[name]` over `reps` executions of
 * workload `W` with parameters `p`, each execution verified.
 */
export function makeSampler(runners, W, p, reps) {
  return async function sample(name) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      const ctx = W.makeCtx(p);
      await runners[name](ctx);
      W.verify(ctx, p);
    }
    return (performance.now() - t0) / reps;
  };
}
