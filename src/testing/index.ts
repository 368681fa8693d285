// routilux/testing — test utilities: a manual clock, a flow harness and a routine tester.
export { TestClock, TEST_CLOCK_EPOCH, flushAsync } from './test-clock.js';
export { FlowTestHarness } from './flow-test-harness.js';
export type { FlowTestHarnessOptions, HarnessRunOptions, StartedRun } from './flow-test-harness.js';
export { RoutineTester } from './routine-tester.js';
export type { RoutineTesterOptions, SendOptions } from './routine-tester.js';
export { FlowTestRun } from './flow-test-run.js';
export type { CapturedEmit, CapturedFailure } from './flow-test-run.js';

// durable-store conformance suite (vitest is an optional peer dependency of this subpath)
export { describeJobStoreConformance } from './job-store-conformance.js';
export type { ConformanceOptions, ConformanceStoreOptions, MakeJobStore } from './store-conformance/fixtures.js';
