// The routines of routilux's own chain benchmarks (bench/run.mjs, bench/store.mjs): a head
// that emits `n` numbered messages and a stage that adds 1, on a given build's RoutineBase.

/** `{ Head, Inc }` classes on `RoutineBase` (the build under test). */
export function chainRoutines(RoutineBase) {
  class Head extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out');
      this.defineSlot('trigger', (d) => {
        for (let i = 0; i < d.n; i++) this.emit('out', { id: i, value: 0 });
      });
    }
  }
  class Inc extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('out');
      this.defineSlot('in', (d) => this.emit('out', { id: d.id, value: d.value + 1 }));
    }
  }
  return { Head, Inc };
}
