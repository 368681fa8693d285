import type { Connection, FlowIssue } from '../graph/connection.js';

/**
 * @internal The strongly connected components of the routine graph that are cycles (more
 * than one routine, or one routine connected to itself), each listed in flow order, in the
 * order of their first routine. Tarjan's algorithm without recursion, so a long chain cannot
 * overflow the stack. A diamond (a→b, a→c, b→d, c→d) has no cycle.
 */
export function findCycles(routineIds: readonly string[], connections: readonly Connection[]): string[][] {
  const order = new Map(routineIds.map((id, i) => [id, i]));
  const edges = routineIds.map(() => [] as number[]);
  const selfLoop = new Set<number>();
  for (const c of connections) {
    const from = order.get(c.sourceRoutineId);
    const to = order.get(c.targetRoutineId);
    if (from === undefined || to === undefined) continue;
    edges[from]!.push(to);
    if (from === to) selfLoop.add(from);
  }
  const n = routineIds.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let next = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [node: number, edge: number][] = [[root, 0]];
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, e] = top;
      if (e < edges[v]!.length) {
        top[1]++;
        const w = edges[v]![e]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || selfLoop.has(v)) components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components.sort((a, b) => a[0]! - b[0]!).map((c) => c.map((i) => routineIds[i]!));
}

/** @internal One `CYCLE` warning per cycle of the graph (services.md §1). */
export function cycleIssues(routineIds: readonly string[], connections: readonly Connection[]): FlowIssue[] {
  return findCycles(routineIds, connections).map((ids) => ({
    severity: 'warning' as const,
    code: 'CYCLE',
    message:
      ids.length === 1
        ? `Routine "${ids[0]}" is connected to itself; make sure a condition ends the loop (a job stops at limits.maxActivationsPerJob activations).`
        : `Routines ${ids.map((id) => `"${id}"`).join(', ')} form a cycle; make sure a condition ends the loop (a job stops at limits.maxActivationsPerJob activations).`,
    routineId: ids[0]!,
    details: { routineIds: ids },
  }));
}
