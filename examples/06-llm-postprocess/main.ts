// LLM output post-processing: extract a JSON answer from free-form model output, validate
// it against a JSON Schema, and route it by content — with conditions written as safe CEL
// strings (no eval), exactly as they could come from a JSON or YAML flow file. Every
// built-in passes its value on as `data` and reads `data` of what it receives, so each
// stage sees the extracted object itself: the router's conditions say `data.category`.
//
// Run: npx tsx examples/06-llm-postprocess/main.ts
import { Flow, RoutineBase, type ExecutionContext } from 'routilux';
import { ConditionalRouter, ResultExtractor, SchemaValidator, TextClipper } from 'routilux/builtins';

/** Stands in for a model: emits a few typical LLM replies. */
class ModelReplies extends RoutineBase {
  constructor() {
    super();
    this.defineEvent('reply', ['text']);
    this.defineSlot('trigger', (data: { replies: string[] }) => {
      for (const text of data.replies) this.emit('reply', { text });
    });
  }
}

/** Collects what reaches it, one output type per slot. */
class Report extends RoutineBase {
  constructor(slots: string[]) {
    super();
    for (const slot of slots) this.defineSlot(slot, (data: Record<string, unknown>, _ctx: ExecutionContext) => this.sendOutput(slot, data));
  }
}

const replies = [
  'Sure! Here is the triage:\n```json\n{"category": "bug", "severity": 9, "summary": "Crash on save"}\n```',
  '{"category": "question", "severity": 2, "summary": "How do I export?"}',
  'I think this is a feature request.\n```json\n{"category": "feature", "severity": 4}\n```',
  'Sorry, I cannot help with that.',
];

const flow = new Flow({ flowId: 'llm-postprocess' });
flow.addRoutine(new ModelReplies(), 'model');
flow.addRoutine(new TextClipper({ maxLength: 2000 }), 'clip');
flow.addRoutine(new ResultExtractor({ extractors: ['json_code_block', 'json_string'], returnOriginalOnFailure: false }), 'extract');
flow.addRoutine(
  new SchemaValidator({
    schema: {
      type: 'object',
      required: ['category', 'severity', 'summary'],
      properties: {
        category: { enum: ['bug', 'question', 'feature'] },
        severity: { type: 'integer', minimum: 0, maximum: 10 },
        summary: { type: 'string', minLength: 1 },
      },
    },
  }),
  'validate',
);
flow.addRoutine(
  new ConditionalRouter({
    routes: [
      { name: 'page_oncall', when: 'data.category == "bug" && data.severity >= 8' },
      { name: 'support_queue', when: 'data.category in ["bug", "question"]' },
    ],
    defaultRoute: 'backlog',
  }),
  'route',
);
flow.addRoutine(new Report(['page_oncall', 'support_queue', 'backlog', 'invalid', 'unparsable']), 'report');

flow.connect('model', 'reply', 'clip', 'input');
flow.connect('clip', 'output', 'extract', 'input');
flow.connect('extract', 'output', 'validate', 'input');
flow.connect('extract', 'failed', 'report', 'unparsable');
flow.connect('validate', 'valid', 'route', 'input');
flow.connect('validate', 'invalid', 'report', 'invalid');
for (const route of ['page_oncall', 'support_queue', 'backlog']) flow.connect('route', route, 'report', route);

const job = await flow.execute('model', { replies });
console.log(`job ${job.status}`);
for (const out of job.outputLog) {
  const data = out.data as Record<string, unknown>;
  const detail = out.outputType === 'invalid' ? (data['errors'] as string[]).join('; ') : out.outputType === 'unparsable' ? String(data['data']) : JSON.stringify(data['data']);
  console.log(`${out.outputType.padEnd(14)} ${detail}`);
}
