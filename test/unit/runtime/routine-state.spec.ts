import { describe, expect, it } from 'vitest';
import { Flow } from '../../../src/index.js';
import { FnRoutine } from '../../fixtures/routines.js';

describe('routine state patched by its own handler', () => {
  it('should end completed when a sync handler patched its own record with updateRoutineState', async () => {
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine({
        trigger(_d, ctx) {
          ctx.jobState.updateRoutineState(ctx.routineId, { progress: 1 });
        },
      }),
      'r',
    );
    const job = await flow.execute('r');
    expect(job.status).toBe('completed');
    expect(job.getRoutineState('r')).toMatchObject({ status: 'completed', progress: 1, executions: 1 });
  });

  it('should end completed when an async handler patched its record after an await', async () => {
    const flow = new Flow();
    flow.addRoutine(
      new FnRoutine({
        async trigger(_d, ctx) {
          await Promise.resolve();
          ctx.jobState.updateRoutineState(ctx.routineId, { step: 'done' });
        },
      }),
      'r',
    );
    const job = await flow.execute('r');
    expect(job.getRoutineState('r')).toMatchObject({ status: 'completed', step: 'done' });
  });
});
