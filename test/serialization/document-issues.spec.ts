import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { Event, Flow, JobState, Routine, RoutineBase, Slot, event, isRoutiluxError, type RoutiluxError } from '../../src/index.js';

class WorkConfig {
  @IsOptional() @IsInt() @Min(1) size?: number;
  @IsOptional() @IsIn(['fast', 'slow']) mode?: string;
}

@Routine({ name: 'doc.Work', config: WorkConfig })
class Work extends RoutineBase {
  @Event('done') readonly done = event<{ n: number }>();
  @Slot('trigger')
  onTrigger(data: { n: number }): void {
    this.done.emit({ n: data.n });
  }
  @Slot('input')
  onInput(): void {}
}

function thrown(fn: () => unknown): RoutiluxError {
  try {
    fn();
  } catch (error) {
    if (isRoutiluxError(error)) return error;
    throw error;
  }
  throw new Error('expected a RoutiluxError, nothing was thrown');
}

const issuesOf = (e: RoutiluxError): { path: string; message: string }[] => e.details['issues'] as { path: string; message: string }[];
const paths = (e: RoutiluxError): string[] => issuesOf(e).map((i) => i.path);

const good = (): Record<string, unknown> => ({
  version: 1,
  flowId: 'doc-flow',
  routines: { work: { type: 'doc.Work', config: { size: 2 } }, next: { type: 'doc.Work' } },
  connections: [{ sourceRoutineId: 'work', sourceEvent: 'done', targetRoutineId: 'next', targetSlot: 'input' }],
});

describe('Flow.deserialize reports every problem with its JSON Pointer (services.md §3)', () => {
  it('points inside the routine entry, not at the document root', () => {
    const e = thrown(() => Flow.deserialize({ ...good(), routines: { work: { type: 42 } } }));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(paths(e)).toEqual(['/routines/work/type']);
    expect(e.details['path']).toBe('/routines/work/type');
    expect(e.message).toContain('/routines/work/type');
  });

  it('lists every schema issue at once, a missing key at its own path, the root as ""', () => {
    const e = thrown(() =>
      Flow.deserialize({
        version: 1,
        maxWorkers: 0,
        extra: true,
        routines: { work: { type: 'doc.Work', confg: {} }, 'bad id!': { type: 'doc.Work' } },
        connections: [{ sourceRoutineId: 'work', sourceEvent: 'done', targetRoutineId: 'next' }, 'nope'],
      }),
    );
    expect(e.code).toBe('INVALID_FORMAT');
    expect(paths(e).sort()).toEqual(['/connections/0/targetSlot', '/connections/1', '/extra', '/maxWorkers', '/routines/bad id!', '/routines/work/confg'].sort());
    expect(paths(thrown(() => Flow.deserialize([])))).toEqual(['']);
    expect(paths(thrown(() => Flow.deserialize({ routines: {} })))).toEqual(['/version']);
  });

  it('joins config-class failures to the same list under /routines/<id>/config/…', () => {
    const doc = { ...good(), maxWorkers: 'many', routines: { work: { type: 'doc.Work', config: { size: 0, mode: 'warp' } }, next: { type: 'doc.Work' } } };
    const e = thrown(() => Flow.deserialize(doc));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(paths(e).sort()).toEqual(['/maxWorkers', '/routines/work/config/mode', '/routines/work/config/size']);
  });

  it('runs the stages in order: the first failing stage decides the code', () => {
    // forbidden keys before version and schema
    const polluted = JSON.parse('{"version":9,"routines":{"a":{"type":"x","config":{"__proto__":{}}}},"x":{"constructor":1}}') as unknown;
    const f = thrown(() => Flow.deserialize(polluted));
    expect(f.code).toBe('FORBIDDEN_KEY');
    expect(paths(f)).toEqual(['/routines/a/config/__proto__', '/x/constructor']);
    // a future version before the schema
    expect(thrown(() => Flow.deserialize({ version: 2, routines: 'no' })).code).toBe('UNSUPPORTED_VERSION');
    // schema before routine types
    expect(thrown(() => Flow.deserialize({ version: 1, routines: { a: { type: 'doc.Nope' } }, bogus: 1 })).code).toBe('INVALID_FORMAT');
    // routine types (every unknown one) before connections
    const types = thrown(() => Flow.deserialize({ version: 1, routines: { a: { type: 'doc.Nope' }, b: { type: 'doc.Nah' } }, connections: [{ from: 'a.x', to: 'ghost.y' }] }));
    expect(types.code).toBe('UNKNOWN_ROUTINE_TYPE');
    expect(paths(types)).toEqual(['/routines/a/type', '/routines/b/type']);
    // connections last, every dangling endpoint listed at the field naming it
    const conns = thrown(() =>
      Flow.deserialize({
        ...good(),
        connections: [
          { sourceRoutineId: 'work', sourceEvent: 'done', targetRoutineId: 'ghost', targetSlot: 'input' },
          { sourceRoutineId: 'work', sourceEvent: 'nope', targetRoutineId: 'next', targetSlot: 'input' },
          { from: 'work.done', to: 'next.nope' },
        ],
      }),
    );
    expect(conns.code).toBe('UNKNOWN_ROUTINE');
    expect(paths(conns)).toEqual(['/connections/0/targetRoutineId', '/connections/1/sourceEvent', '/connections/2/to']);
  });

  it('accepts the shorthand connection form (split at the last ".") and writes the long form', () => {
    const flow = Flow.deserialize({ version: 1, routines: { 'a.b': { type: 'doc.Work' }, next: { type: 'doc.Work' } }, connections: [{ from: 'a.b.done', to: 'next.input', paramMapping: { n: 'n' } }] });
    expect(flow.serialize().connections).toEqual([{ sourceRoutineId: 'a.b', sourceEvent: 'done', targetRoutineId: 'next', targetSlot: 'input', paramMapping: { n: 'n' } }]);
    const bad = thrown(() => Flow.deserialize({ version: 1, routines: {}, connections: [{ from: 'nodot', to: 'next.input', sourceEvent: 'x' }] }));
    expect(paths(bad).sort()).toEqual(['/connections/0/from', '/connections/0/sourceEvent']);
  });

  it('defaults everything but version and routines as new Flow does', () => {
    const flow = Flow.deserialize({ version: 1, routines: { work: { type: 'doc.Work' } } });
    expect(flow.executionStrategy).toBe('sequential');
    expect(flow.executionTimeout).toBe(300_000);
    expect(flow.connections).toEqual([]);
    expect(Flow.deserialize({ version: 1, routines: {}, executionTimeout: null }).executionTimeout).toBe(Infinity);
  });
});

describe('JobState.deserialize reports every problem with its JSON Pointer', () => {
  const good = async (): Promise<Record<string, unknown>> => {
    const flow = new Flow({ flowId: 'js-doc' });
    flow.addRoutine(new Work(), 'work');
    const job = await flow.execute('work', { n: 1 });
    return JSON.parse(JSON.stringify(job.serialize())) as Record<string, unknown>;
  };

  it('lists shape and content problems together, each at its path', async () => {
    const doc = await good();
    doc['status'] = 'exploded';
    doc['createdAt'] = 'yesterday';
    doc['pendingTasks'] = [{ taskId: 'x', routineId: 'work', slotName: 'trigger', data: {}, attempt: 1, merged: false, delayMs: 0 }, { taskId: 't9' }];
    const e = thrown(() => JobState.deserialize(doc));
    expect(e.code).toBe('INVALID_FORMAT');
    expect(paths(e)).toEqual(expect.arrayContaining(['/status', '/pendingTasks/1/routineId', '/pendingTasks/1/slotName', '/pendingTasks/1/attempt']));
    const content = await good();
    content['createdAt'] = 'yesterday';
    content['pendingTasks'] = [{ taskId: 'x', routineId: 'work', slotName: 'trigger', data: {}, attempt: 1, merged: false, delayMs: 0 }];
    content['lastActivationAt'] = { work: 'soon' };
    expect(paths(thrown(() => JobState.deserialize(content)))).toEqual(['/createdAt', '/pendingTasks/0/taskId', '/lastActivationAt/work']);
  });

  it('names forbidden keys by pointer and refuses a future version before the shape', async () => {
    const doc = await good();
    doc['sharedData'] = JSON.parse('{"a":{"__proto__":{"polluted":true}}}') as unknown;
    const f = thrown(() => JobState.deserialize(doc));
    expect(f.code).toBe('FORBIDDEN_KEY');
    expect(f.details['path']).toBe('/sharedData/a/__proto__');
    const base = await good();
    expect(thrown(() => JobState.deserialize({ ...base, version: 7, status: 1 })).code).toBe('UNSUPPORTED_VERSION');
    expect(paths(thrown(() => JobState.deserialize({ ...base, type: 'Flow' })))).toEqual(['/type']);
  });
});
