import { Inject, Injectable, Module, Scope } from '@nestjs/common';
import { Event, Routine, RoutineBase, Slot, event, type ExecutionContext } from '../../src/index.js';
import { Gate } from '../helpers/gate.js';

/** A plain Nest service routines inject by type (SWC emits design:paramtypes in tests). */
@Injectable()
export class Greeter {
  readonly calls: string[] = [];
  greet(name: string): string {
    this.calls.push(name);
    return `hello ${name}`;
  }
}

/** A gate as a provider, so a test can hold a routine's handler while it closes the app. */
export const HOLD_GATE = Symbol('HOLD_GATE');

@Module({ providers: [Greeter], exports: [Greeter] })
export class GreetingModule {}

@Routine({ name: 'nest-test.greet' })
export class GreetRoutine extends RoutineBase {
  @Event('greeted') readonly greeted = event<{ text: string }>();

  constructor(readonly greeter: Greeter) {
    super();
  }

  @Slot('trigger')
  onTrigger(data: { name: string }): void {
    this.greeted.emit({ text: this.greeter.greet(data.name) });
  }
}

/** Provided by a second module: discovery must find routines in every module. */
@Routine({ name: 'nest-test.shout' })
export class ShoutRoutine extends RoutineBase {
  @Slot('input')
  onInput(data: { text: string }, ctx: ExecutionContext): void {
    ctx.jobState.appendToSharedLog({ line: data.text.toUpperCase() });
  }
}

@Module({ imports: [GreetingModule], providers: [GreetRoutine] })
export class GreetRoutineModule {}

@Module({ providers: [ShoutRoutine] })
export class ShoutRoutineModule {}

/** A routine that waits on the HOLD_GATE provider, checking its abort signal. */
@Routine({ name: 'nest-test.hold' })
export class HoldRoutine extends RoutineBase {
  constructor(@Inject(HOLD_GATE) private readonly gate: Gate) {
    super();
  }

  @Slot('trigger')
  async onTrigger(_data: object, ctx: ExecutionContext): Promise<void> {
    await Promise.race([
      this.gate.wait(),
      new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true })),
    ]);
    ctx.jobState.updateSharedData('released', !ctx.signal.aborted);
  }
}

/** One instance per flow node. */
@Injectable({ scope: Scope.TRANSIENT })
@Routine({ name: 'nest-test.tag' })
export class TagRoutine extends RoutineBase {
  @Event('out') readonly out = event<Record<string, unknown>>();

  @Slot('input')
  onInput(data: Record<string, unknown>): void {
    this.out.emit({ ...data, [String(this.getConfig('tag', 'none'))]: true });
  }

  @Slot('trigger')
  onTrigger(data: Record<string, unknown>): void {
    this.onInput(data);
  }
}
