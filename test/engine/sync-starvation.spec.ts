import { expect, it } from 'vitest';
import { Flow, RoutineBase } from '../../src/index.js';
it('a job of endless synchronous self-emits still times out', async () => {
  class Loop extends RoutineBase {
    constructor() {
      super();
      this.defineEvent('again');
      this.defineSlot('trigger', () => this.emit('again', {}));
      this.defineSlot('in', () => this.emit('again', {}));
    }
  }
  const flow = new Flow({ executionTimeout: 100 });
  flow.addRoutine(new Loop(), 'loop');
  flow.connect('loop', 'again', 'loop', 'in');
  const job = await flow.execute('loop');
  expect(job.status).toBe('failed');
  expect(job.error?.code).toBe('EXECUTION_TIMEOUT');
});
