import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Flow, Runtime, defineFlow } from '../../src/index.js';
import { InjectFlow, RoutiluxModule } from '../../src/nest/index.js';
import { GreetRoutine, GreetRoutineModule, ShoutRoutine, ShoutRoutineModule } from './fixtures.js';

const apps: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

// GreetRoutine emits `greeted` { text }; ShoutRoutine's `onInput` (slot "input") takes { text }.
const typedGreetings = defineFlow({
  name: 'typed-greetings',
  routines: { greet: GreetRoutine, shout: ShoutRoutine },
  wires: (wire) => [wire('greet', 'greeted', 'shout', 'onInput')],
});

@Injectable()
class TypedGreetings {
  constructor(@InjectFlow('typed-greetings') readonly flow: Flow) {}
}

@Module({ imports: [RoutiluxModule.forFeature({ flows: [typedGreetings] })], providers: [TypedGreetings], exports: [TypedGreetings] })
class TypedFeatureModule {}

describe('RoutiluxModule.forFeature with typed wiring', () => {
  it('builds the wires of a feature flow from the Nest providers and runs them', async () => {
    const app = await Test.createTestingModule({ imports: [RoutiluxModule.forRoot(), GreetRoutineModule, ShoutRoutineModule, TypedFeatureModule] }).compile();
    await app.init();
    apps.push(app);
    const { flow } = app.get(TypedGreetings);
    expect(flow.connections).toEqual([{ sourceRoutineId: 'greet', sourceEvent: 'greeted', targetRoutineId: 'shout', targetSlot: 'input' }]);
    const runtime = app.get(Runtime);
    const job = runtime.exec('typed-greetings', { entryParams: { name: 'typed' } });
    expect(await runtime.waitUntilAllJobsFinished()).toBe(true);
    expect(job.status).toBe('completed');
    expect(job.sharedLog.map((e) => e['line'])).toEqual(['HELLO TYPED']);
  });

  it('does not compile a feature flow wired to a missing member or a payload that does not fit', () => {
    const wrong = (): void => {
      RoutiluxModule.forFeature({
        flows: [
          defineFlow({
            name: 'bad-member',
            routines: { greet: GreetRoutine, shout: ShoutRoutine },
            // @ts-expect-error ShoutRoutine has no member "onInputs"
            wires: (wire) => [wire('greet', 'greeted', 'shout', 'onInputs')],
          }),
          defineFlow({
            name: 'bad-payload',
            routines: { greet: GreetRoutine, shout: ShoutRoutine },
            // @ts-expect-error greeted carries { text }; GreetRoutine.onTrigger expects { name }
            wires: (wire) => [wire('greet', 'greeted', 'greet', 'onTrigger')],
          }),
          defineFlow({
            name: 'fixed-by-mapping',
            routines: { greet: GreetRoutine, shout: ShoutRoutine },
            wires: (wire) => [wire('greet', 'greeted', 'greet', 'onTrigger', { text: 'name' })],
          }),
        ],
      });
    };
    expect(typeof wrong).toBe('function');
  });
});
