import { Type } from 'class-transformer';
import { Allow, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Min, ValidateNested, ValidateIf, IsArray } from 'class-validator';

/** Wire shape of an ErrorHandler. */
export class ErrorHandlerDto {
  @IsIn(['stop', 'continue', 'retry', 'skip']) strategy!: 'stop' | 'continue' | 'retry' | 'skip';
  @IsInt() @Min(0) maxRetries!: number;
  @IsNumber() @Min(0) retryDelay!: number;
  @IsNumber() @Min(1) retryBackoff!: number;
  @IsBoolean() isCritical!: boolean;
  @IsOptional() @IsString() retryable?: string;
}

/** Wire shape of one routine of a flow. */
export class RoutineDto {
  @IsString() type!: string;
  @IsObject() @Allow() config!: Record<string, unknown>;
  @IsOptional() @ValidateNested() @Type(() => ErrorHandlerDto) errorHandler?: ErrorHandlerDto;
  /** The routine's activation policy, as `policy.toJSON()`. */
  @IsOptional() @IsObject() @Allow() activationPolicy?: { type: string; config: Record<string, unknown> };
  /** Registered name of a logic function attached from outside the class. */
  @IsOptional() @IsString() logic?: string;
}

/** Wire shape of a connection. */
export class ConnectionDto {
  @IsString() sourceRoutineId!: string;
  @IsString() sourceEvent!: string;
  @IsString() targetRoutineId!: string;
  @IsString() targetSlot!: string;
  @IsOptional() @IsObject() paramMapping?: Record<string, string>;
}

/** Wire shape of a flow, format version 1. */
export class FlowDto {
  @IsInt() version!: number;
  @IsString() flowId!: string;
  @IsIn(['sequential', 'concurrent']) executionStrategy!: 'sequential' | 'concurrent';
  @IsInt() @Min(1) maxWorkers!: number;
  /** null stands for no timeout (Infinity). */
  @ValidateIf((_o, v) => v !== null) @IsNumber() executionTimeout!: number | null;
  @IsOptional() @ValidateNested() @Type(() => ErrorHandlerDto) errorHandler?: ErrorHandlerDto;
  @IsObject() @Allow() routines!: Record<string, unknown>;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ConnectionDto) connections!: ConnectionDto[];
}
