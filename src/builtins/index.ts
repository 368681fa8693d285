// routilux/builtins — ready-made routines, written against the public API only (like user
// code). Each is registered under a stable type name `routilux.<Name>`, so flows using
// them serialize and load. Named exports grouped by area.

// text
export { TextClipper, TextClipperConfig, clipText } from './text/text-clipper.routine.js';
export type { ClippedText, TextClipperOutput } from './text/text-clipper.routine.js';
export { TextRenderer, TextRendererConfig, renderValue } from './text/text-renderer.routine.js';
export type { RenderOptions, TextRendererOutput } from './text/text-renderer.routine.js';
export { ResultExtractor, ResultExtractorConfig } from './text/result-extractor.routine.js';
export type { ExtractionResult, ExtractorError, ResultExtractorFailed, ResultExtractorOutput } from './text/result-extractor.routine.js';
export { BUILTIN_EXTRACTORS, DEFAULT_EXTRACTOR_ORDER, codeBlocks, confidenceOf } from './text/extractors.js';
export type { Extractor, ExtractionHit, ExtractorSettings } from './text/extractors.js';

// data
export { DataTransformer, DataTransformerConfig } from './data/data-transformer.routine.js';
export type { DataTransformerOutput, TransformationError } from './data/data-transformer.routine.js';
export { BUILTIN_TRANSFORMATIONS } from './data/transformations.js';
export type { Transformation } from './data/transformations.js';
export { DataValidator, DataValidatorConfig } from './data/data-validator.routine.js';
export type { DataValidatorInvalid, DataValidatorValid, ValidationIssue } from './data/data-validator.routine.js';
export { BUILTIN_VALIDATORS } from './data/validators.js';
export type { Validator } from './data/validators.js';
export { DataFlattener, DataFlattenerConfig, flatten } from './data/data-flattener.routine.js';
export type { DataFlattenerOutput } from './data/data-flattener.routine.js';
export { Mapper, MapperConfig } from './data/mapper.routine.js';
export type { MappingSource, MapperOutput, MappingError } from './data/mapper.routine.js';
export { Filter, FilterConfig } from './data/filter.routine.js';
export type { FilterPassed, FilterRejected } from './data/filter.routine.js';
export { SchemaValidator, SchemaValidatorConfig } from './data/schema-validator.routine.js';
export type { SchemaClass, SchemaValidatorInvalid, SchemaValidatorValid } from './data/schema-validator.routine.js';

// control flow
export { ConditionalRouter, ConditionalRouterConfig } from './control-flow/conditional-router.routine.js';
export type { ConditionalRouterRoute, ConditionalRouterUnmatched, RouteError, RouteSpec } from './control-flow/conditional-router.routine.js';
export { Aggregator, AggregatorConfig } from './control-flow/aggregator.routine.js';
export type { AggregatorAggregated, AggregatorTimeout } from './control-flow/aggregator.routine.js';
export { Splitter, SplitterConfig } from './control-flow/splitter.routine.js';
export type { SplitterDone, SplitterEmpty, SplitterItem } from './control-flow/splitter.routine.js';
export { Batcher, BatcherConfig } from './control-flow/batcher.routine.js';
export type { BatcherBatch } from './control-flow/batcher.routine.js';
export { Debouncer, DebouncerConfig } from './control-flow/debouncer.routine.js';
export type { DebouncerDebounced, DebouncerLeading } from './control-flow/debouncer.routine.js';
export { RetryHandler, RetryHandlerConfig, computeBackoff } from './control-flow/retry-handler.routine.js';
export type { Backoff, RetryHandlerExhausted, RetryHandlerRetry, RetryHandlerSuccess, RetryOperation, RetryPredicate } from './control-flow/retry-handler.routine.js';

// utilities
export { TimeProvider, TimeProviderConfig, formatTime } from './utils/time-provider.routine.js';
export type { TimeFormat, TimeProviderOutput } from './utils/time-provider.routine.js';

// conditions (the CEL sandbox)
export { compileExpression, compileCondition, normalizeCondition, ExpressionCompileError, ExpressionEvaluationError, EXPRESSION_LIMITS } from './conditions/index.js';
export type { CompiledExpression, CompiledCondition, ConditionFunction, ConditionInput, ConditionResult, ConditionSpec, ExpressionFailure } from './conditions/index.js';
