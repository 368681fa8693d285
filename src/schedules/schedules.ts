import { ErrorCode } from '../errors/error-codes.js';
import { InvalidArgumentError } from '../errors/routilux-error.js';
import { Schedule } from './schedule.js';
import type { ScheduleHost } from './schedule-host.js';
import { checkScheduleOptions } from './schedule-options.js';

/**
 * The schedules of one runtime: makes, lists and stops them. It knows the runtime only
 * through a {@link ScheduleHost} (a clock and a way to start a job).
 */
export class Schedules {
  private readonly byId = new Map<string, Schedule>();
  private counter = 0;

  constructor(private readonly host: ScheduleHost) {}

  /** Makes an active schedule of the flow `flowName` (bad options → `INVALID_ARGUMENT`, a used id too). */
  add(flowName: string, options: unknown): Schedule {
    const spec = checkScheduleOptions(flowName, options);
    let id = spec.id;
    if (id === undefined) {
      do id = `${flowName}#${++this.counter}`;
      while (this.byId.has(id));
    } else if (this.byId.has(id)) {
      throw new InvalidArgumentError(ErrorCode.INVALID_ARGUMENT, `runtime.schedule("${flowName}"): a schedule "${id}" already exists in this runtime; pick another id or remove that one first.`, { details: { scheduleId: id } });
    }
    const schedule = new Schedule(id, flowName, spec, this.host, (s) => this.byId.delete(s.id));
    this.byId.set(id, schedule);
    return schedule;
  }

  /** The schedules not removed, in the order they were made. */
  list(): Schedule[] {
    return [...this.byId.values()];
  }

  /** Removes every schedule (their timers are cleared; started jobs go on). */
  removeAll(): void {
    for (const s of this.list()) s.remove();
  }
}
