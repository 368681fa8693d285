import { EXPRESSION_LIMITS } from './expression-limits.js';
import { regexProblem } from './regex-guard.js';

// What an expression may use. Everything not listed is rejected before evaluation,
// even when the library would accept it (bytes/JSON decoding, cel.bind, optionals).

const GLOBAL_FUNCTIONS: ReadonlySet<string> = new Set(['size', 'int', 'uint', 'double', 'string', 'bool', 'dyn', 'has']);
const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const METHODS: ReadonlySet<string> = new Set([
  'contains', 'startsWith', 'endsWith', 'matches', 'size', 'indexOf', 'lastIndexOf',
  'substring', 'lowerAscii', 'upperAscii', 'trim', 'split', 'join', ...COMPREHENSIONS,
]);
/** Operations whose cost grows with the size of their operands. */
const LINEAR_OPS: ReadonlySet<string> = new Set(['in', '+']);
const LINEAR_CALLS: ReadonlySet<string> = new Set([
  'contains', 'startsWith', 'endsWith', 'matches', 'indexOf', 'lastIndexOf', 'substring',
  'lowerAscii', 'upperAscii', 'trim', 'split', 'join', 'string',
]);
const FORBIDDEN_FIELDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** The minimal shape of a parsed node this module reads. @internal */
export interface AstNode {
  readonly op: string;
  readonly args: unknown;
}

/** A node of the cost model: evaluated per payload size. @internal */
export interface CostNode {
  readonly kind: 'plain' | 'linear' | 'loop';
  readonly receiver?: CostNode;
  readonly children: readonly CostNode[];
}

/** Result of checking an expression against the policy. @internal */
export interface PolicyResult {
  readonly problem?: { reason: 'forbidden' | 'unsafe_regex' | 'too_complex'; why: string };
  readonly cost: CostNode;
  readonly usesRegex: boolean;
  /** True when the expression can turn a string into a list (`split`). */
  readonly usesSplit: boolean;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).op === 'string';
}

function childNodes(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const visit = (v: unknown): void => {
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
  };
  if (node.op !== 'value' && node.op !== 'id') visit(node.args);
  return out;
}

/** @internal checks every rule of the sandbox and builds the cost model. */
export function checkPolicy(root: AstNode): PolicyResult {
  let comprehensions = 0;
  let usesRegex = false;
  let usesSplit = false;
  let problem: PolicyResult['problem'];
  const fail = (reason: 'forbidden' | 'unsafe_regex' | 'too_complex', why: string): void => {
    problem ??= { reason, why };
  };
  const literalString = (n: unknown): string | undefined => (isNode(n) && n.op === 'value' && typeof n.args === 'string' ? n.args : undefined);

  const walk = (node: AstNode, nesting: number): CostNode => {
    const op = node.op;
    if (op === '.' || op === '.?') {
      const [, field] = node.args as [AstNode, string];
      if (FORBIDDEN_FIELDS.has(field)) fail('forbidden', `access to "${field}" is not allowed`);
    }
    if (op === '[]' || op === '[?]') {
      const key = literalString((node.args as AstNode[])[1]);
      if (key !== undefined && FORBIDDEN_FIELDS.has(key)) fail('forbidden', `access to "${key}" is not allowed`);
    }
    if (op === '.?' || op === '[?]') fail('forbidden', 'optional field access is not enabled');
    if (op === 'value' && node.args instanceof Uint8Array) fail('forbidden', 'bytes literals are not allowed');
    if (op === 'call' || op === 'rcall') {
      const name = (node.args as unknown[])[0] as string;
      const argNodes = (op === 'call' ? (node.args as unknown[])[1] : (node.args as unknown[])[2]) as AstNode[];
      const receiver = op === 'rcall' ? ((node.args as unknown[])[1] as AstNode) : undefined;
      if (op === 'call' && !GLOBAL_FUNCTIONS.has(name)) fail('forbidden', `the function ${name}() is not available in conditions`);
      if (op === 'rcall' && (!METHODS.has(name) || (receiver?.op === 'id' && receiver.args === 'cel'))) {
        fail('forbidden', `the method .${name}() is not available in conditions`);
      }
      if (name === 'split') usesSplit = true;
      if (name === 'matches') {
        usesRegex = true;
        const pattern = literalString(argNodes[argNodes.length - 1]);
        if (pattern === undefined) fail('unsafe_regex', 'matches() needs a string literal pattern');
        else {
          const why = regexProblem(pattern);
          if (why !== undefined) fail('unsafe_regex', `matches("${pattern.slice(0, 60)}"): ${why}`);
        }
      }
      if (op === 'rcall' && COMPREHENSIONS.has(name)) {
        comprehensions++;
        if (comprehensions > EXPRESSION_LIMITS.maxComprehensions) fail('too_complex', `more than ${EXPRESSION_LIMITS.maxComprehensions} comprehensions (all/exists/exists_one/map/filter)`);
        if (nesting + 1 > EXPRESSION_LIMITS.maxComprehensionNesting) fail('too_complex', `comprehensions nested deeper than ${EXPRESSION_LIMITS.maxComprehensionNesting}`);
        return { kind: 'loop', receiver: walk(receiver!, nesting), children: argNodes.slice(1).map((a) => walk(a, nesting + 1)) };
      }
      const children = [...(receiver !== undefined ? [walk(receiver, nesting)] : []), ...argNodes.map((a) => walk(a, nesting))];
      return { kind: LINEAR_CALLS.has(name) ? 'linear' : 'plain', children };
    }
    return { kind: LINEAR_OPS.has(op) ? 'linear' : 'plain', children: childNodes(node).map((c) => walk(c, nesting)) };
  };
  const cost = walk(root, 0);
  return problem === undefined ? { cost, usesRegex, usesSplit } : { problem, cost, usesRegex, usesSplit };
}

/** Sizes of one payload that drive the cost model. @internal */
export interface CostSizes {
  /** Cost of one operation that is linear in its operands (collection size + string length / 64). */
  readonly linear: number;
  /** Iterations of one comprehension (largest collection, or longest string when `split` is used). */
  readonly loop: number;
}

/**
 * @internal An upper bound of interpreted evaluation steps: every node costs 1, an
 * operation linear in its operands costs `linear`, a comprehension multiplies its body by
 * `loop`. Native comparisons count as one step.
 */
export function estimateCost(node: CostNode, sizes: CostSizes): number {
  let sum = 0;
  for (const c of node.children) sum += estimateCost(c, sizes);
  if (node.kind === 'loop') return estimateCost(node.receiver!, sizes) + sizes.loop * (1 + sum);
  return (node.kind === 'linear' ? sizes.linear : 1) + sum;
}
