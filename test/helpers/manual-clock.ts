// The manual clock the engine tests use is the public test clock of `routilux/testing`:
// one implementation, exercised by the engine's own suites. `ManualClock` is kept as the
// name those suites import.
export { TestClock as ManualClock, flushAsync } from '../../src/testing/index.js';
