/**
 * Hard bounds of the condition sandbox. A condition (or a payload) past one of them
 * fails with a typed error; nothing is evaluated partially.
 */
export const EXPRESSION_LIMITS = Object.freeze({
  /** Characters of source text. */
  maxSourceLength: 1024,
  /** Parsed AST nodes. */
  maxAstNodes: 256,
  /** Nesting depth of the AST (parentheses, calls, member chains). */
  maxDepth: 24,
  /** Elements of a list or map literal. */
  maxLiteralElements: 64,
  /** Arguments of one call. */
  maxCallArguments: 8,
  /** Comprehension macros (`all`, `exists`, `exists_one`, `map`, `filter`) nested in one another. */
  maxComprehensionNesting: 2,
  /** Comprehension macros in one expression. */
  maxComprehensions: 8,
  /** Characters of a `matches()` pattern. */
  maxPatternLength: 256,
  /** Longest string a `matches()` expression may be evaluated against. */
  maxRegexInputLength: 10_000,
  /** Values (objects, arrays, scalars) in one payload handed to an expression. */
  maxDataNodes: 100_000,
  /** Nesting depth of a payload handed to an expression. */
  maxDataDepth: 64,
  /** Upper bound of evaluation steps, estimated from the AST and the payload's sizes before evaluating. */
  maxCost: 20_000_000,
});
