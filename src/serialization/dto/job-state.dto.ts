import { Type } from 'class-transformer';
import { Allow, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Min, ValidateIf, ValidateNested } from 'class-validator';

const JOB_STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'];

/** Wire shape of a pending task. */
export class PendingTaskDto {
  @IsString() taskId!: string;
  @IsString() routineId!: string;
  @IsString() slotName!: string;
  @IsObject() @Allow() data!: Record<string, unknown>;
  @IsInt() @Min(1) attempt!: number;
  @IsBoolean() merged!: boolean;
  @IsNumber() @Min(0) delayMs!: number;
}

/** Wire shape of a history entry. */
export class ExecutionRecordDto {
  @IsString() routineId!: string;
  @IsString() eventName!: string;
  @Allow() data!: unknown;
  @IsString() timestamp!: string;
}

/** Wire shape of a pause point. */
export class PausePointDto {
  @IsString() timestamp!: string;
  @IsString() reason!: string;
  @Allow() checkpoint!: unknown;
  @IsInt() @Min(0) pendingTaskCount!: number;
}

/** Wire shape of a deferred event. */
export class DeferredEventDto {
  @IsString() routineId!: string;
  @IsString() eventName!: string;
  @IsObject() @Allow() data!: Record<string, unknown>;
}

/** Wire shape of an output record. */
export class OutputRecordDto {
  @IsString() jobId!: string;
  @IsString() routineId!: string;
  @IsString() outputType!: string;
  @Allow() data!: unknown;
  @IsString() timestamp!: string;
}

/** Wire shape of a per-job slot buffer. */
export class SlotBufferDto {
  @IsString() routineId!: string;
  @IsString() slotName!: string;
  @IsObject() @Allow() data!: Record<string, unknown>;
}

/** Wire shape of a job error. */
export class JobErrorDto {
  @IsString() code!: string;
  @IsString() message!: string;
  @IsOptional() @IsString() routineId?: string;
}

/** Wire shape of a breakpoint (`jobState.breakpoints`). */
export class BreakpointDto {
  @IsString() id!: string;
  @IsString() routineId!: string;
  @IsOptional() @IsString() slot?: string;
  @IsOptional() @IsString() condition?: string;
  @IsInt() @Min(0) hits!: number;
}

/** Wire shape of the activation that hit a breakpoint and has not run yet. */
export class BreakpointPassDto {
  @IsString() taskId!: string;
  @IsInt() @Min(1) attempt!: number;
}

/** Wire shape of a JobState, format version 1. */
export class JobStateDto {
  @IsIn(['JobState']) type!: 'JobState';
  @IsInt() version!: number;
  @IsString() jobId!: string;
  @IsString() flowId!: string;
  @IsIn(JOB_STATUSES) status!: string;
  @IsString() createdAt!: string;
  @IsString() updatedAt!: string;
  @IsOptional() @IsString() currentRoutineId?: string;
  @IsObject() @Allow() routineStates!: Record<string, Record<string, unknown>>;
  @IsInt() @Min(0) historyLimit!: number;
  @IsInt() @Min(0) historyDropped!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ExecutionRecordDto) executionHistory!: ExecutionRecordDto[];
  @IsObject() @Allow() sharedData!: Record<string, unknown>;
  @IsArray() @Allow() sharedLog!: Record<string, unknown>[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => OutputRecordDto) outputLog!: OutputRecordDto[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => PendingTaskDto) pendingTasks!: PendingTaskDto[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => PausePointDto) pausePoints!: PausePointDto[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => DeferredEventDto) deferredEvents!: DeferredEventDto[];
  @IsOptional() @ValidateNested() @Type(() => JobErrorDto) error?: JobErrorDto;
  @IsOptional() @IsString() cancelReason?: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => SlotBufferDto) slotBuffers!: SlotBufferDto[];
  @IsInt() @Min(1) nextTaskSeq!: number;
  @IsNumber() @Min(0) elapsedMs!: number;
  /** Activations started so far, retries included (the step limit counts them); absent in documents of older versions. */
  @IsOptional() @IsInt() @Min(0) activationCount?: number;
  /** null: no timeout. */
  @ValidateIf((_o, v) => v !== null) @IsNumber() timeoutMs!: number | null;
  /** Logic routines' per-job slot queues: routineId → slot → payloads waiting. */
  @IsOptional() @IsObject() @Allow() slotQueues?: Record<string, Record<string, Record<string, unknown>[]>>;
  /** Wall-clock ms of each logic routine's last activation. */
  @IsOptional() @IsObject() @Allow() lastActivationAt?: Record<string, number>;
  /** Per-job activation-policy overrides, as `policy.toJSON()`. */
  @IsOptional() @IsObject() @Allow() activationPolicies?: Record<string, { type: string; config: Record<string, unknown> }>;
  /** Payloads captured by breakpoint policies. */
  @IsOptional() @IsObject() @Allow() debugData?: Record<string, Record<string, Record<string, unknown>[]>[]>;
  /** The job's breakpoints with their hits; absent when it has none (and in older documents). */
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => BreakpointDto) breakpoints?: BreakpointDto[];
  /** The activation that hit a breakpoint and runs next without hitting again. */
  @IsOptional() @ValidateNested() @Type(() => BreakpointPassDto) breakpointPass?: BreakpointPassDto;
  /** Trace context of the job's last run (string → string), set by a tracer. */
  @IsOptional() @IsObject() @Allow() traceContext?: Record<string, string>;
  @IsObject() @Allow() tracker!: { events: number; routines: Record<string, { total: number; completed: number; failed: number; time: number; min: number | null; max: number }> };
}
