import { EXPRESSION_LIMITS } from './expression-limits.js';

// Conservative shape check for `matches()` patterns. JavaScript regular expressions
// backtrack, so a pattern is accepted only when its worst case stays polynomial and
// small: no quantifier applied to a group that itself contains a quantifier or an
// alternation (the classic `(a+)+` / `(a|aa)*` blow-ups), no back-references or
// lookarounds, at most three unbounded quantifiers and never two in a row. Inputs are
// additionally capped (EXPRESSION_LIMITS.maxRegexInputLength) at evaluation time.

const MAX_UNBOUNDED = 3;

interface Group {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

/** Why a regular-expression `pattern` is unsafe (catastrophic backtracking, back-references, lookarounds) or invalid, or undefined when the sandbox accepts it. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > EXPRESSION_LIMITS.maxPatternLength) return `the pattern is longer than ${EXPRESSION_LIMITS.maxPatternLength} characters`;
  try {
    new RegExp(pattern, 'u');
  } catch {
    try {
      new RegExp(pattern);
    } catch (e) {
      return `the pattern is not a valid regular expression (${(e as Error).message})`;
    }
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead/lookbehind assertions are not allowed';
  const stack: Group[] = [{ hasQuantifier: false, hasAlternation: false }];
  let unbounded = 0;
  let lastWasUnbounded = false;
  let lastGroup: Group | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    let atomGroup: Group | undefined;
    if (ch === '\\') {
      i++;
    } else if (ch === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (ch === '(') {
      stack.push({ hasQuantifier: false, hasAlternation: false });
      if (pattern[i + 1] === '?') i += pattern[i + 2] === '<' ? pattern.indexOf('>', i) - i : 2;
      lastWasUnbounded = false;
      continue;
    } else if (ch === ')') {
      atomGroup = stack.pop();
      if (atomGroup === undefined || stack.length === 0) return 'unbalanced parentheses';
      const parent = stack[stack.length - 1]!;
      parent.hasQuantifier ||= atomGroup.hasQuantifier;
    } else if (ch === '|') {
      stack[stack.length - 1]!.hasAlternation = true;
      lastWasUnbounded = false;
      continue;
    } else if (ch === '^' || ch === '$') {
      continue;
    }
    lastGroup = atomGroup;
    // quantifier following the atom?
    const next = pattern[i + 1];
    if (next === '*' || next === '+' || next === '?' || next === '{') {
      let end = i + 1;
      let isUnbounded = next === '*' || next === '+';
      if (next === '{') {
        const close = pattern.indexOf('}', end);
        if (close === -1) return 'unterminated {n,m} quantifier';
        const body = pattern.slice(end + 1, close);
        isUnbounded = /,\s*$/.test(body) || Number(body.split(',').pop()) > 100;
        end = close;
      }
      if (pattern[end + 1] === '?' || pattern[end + 1] === '+') end++;
      if (lastGroup !== undefined && (lastGroup.hasQuantifier || lastGroup.hasAlternation)) {
        return 'a quantifier is applied to a group that contains a quantifier or an alternation (catastrophic backtracking)';
      }
      stack[stack.length - 1]!.hasQuantifier = true;
      if (isUnbounded) {
        unbounded++;
        if (lastWasUnbounded) return 'two unbounded quantifiers follow each other';
        if (unbounded > MAX_UNBOUNDED) return `more than ${MAX_UNBOUNDED} unbounded quantifiers (*, +, {n,})`;
      }
      lastWasUnbounded = isUnbounded;
      i = end;
    } else {
      lastWasUnbounded = false;
    }
  }
  if (stack.length !== 1) return 'unbalanced parentheses';
  return undefined;
}
