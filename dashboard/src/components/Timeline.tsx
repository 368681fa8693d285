import { timelineExtent, type Timeline as TimelineData } from '../lib/timeline.js';

const LANE = 26;
const LEFT = 140;
const WIDTH = 1000;

/** Activation timeline: one lane per routine, a bar per attempt (failed and retried attempts marked), ticks for history recorded before the page subscribed. */
export function Timeline({ data, routineIds, now }: { data: TimelineData; routineIds: string[]; now: number }) {
  const { lanes, from, to } = timelineExtent(data, routineIds, now);
  const scale = (t: number): number => LEFT + ((t - from) / (to - from)) * (WIDTH - LEFT - 10);
  const height = lanes.length * LANE + 24;
  return (
    <div class="graph-wrap">
      <svg class="timeline" width={WIDTH} height={height} role="img" aria-label={`Activation timeline: ${data.bars.length} activations over ${Math.round(to - from)} ms`}>
        {lanes.map((id, i) => (
          <g key={id}>
            <rect class={i % 2 === 0 ? 'lane even' : 'lane'} x="0" y={i * LANE} width={WIDTH} height={LANE} />
            <text class="lane-label" x="8" y={i * LANE + 17}>
              {id}
            </text>
          </g>
        ))}
        {data.marks.map((m, i) => {
          const lane = lanes.indexOf(m.routineId);
          return (
            <line key={`m${i}`} class={m.failed ? 'mark failed' : 'mark'} x1={scale(m.at)} x2={scale(m.at)} y1={lane * LANE + 5} y2={lane * LANE + LANE - 5}>
              <title>{`${m.routineId}: ${m.label}`}</title>
            </line>
          );
        })}
        {data.bars.map((b, i) => {
          const lane = lanes.indexOf(b.routineId);
          const x = scale(b.start);
          const w = Math.max(3, scale(b.end ?? now) - x);
          const cls = b.end === undefined ? 'running' : (b.outcome ?? 'completed');
          return (
            <rect key={`b${i}`} class={`bar ${cls}${b.attempt > 1 ? ' retry' : ''}`} x={x} y={lane * LANE + 6} width={w} height={LANE - 12} rx="2" data-outcome={cls}>
              <title>{`${b.routineId}.${b.slot || '(logic)'} attempt ${b.attempt}: ${cls}${b.end !== undefined ? `, ${Math.round(b.end - b.start)} ms` : ''}${b.error ? ` — ${b.error}` : ''}`}</title>
            </rect>
          );
        })}
        <text class="axis" x={LEFT} y={height - 6}>
          0 ms
        </text>
        <text class="axis" x={WIDTH - 10} y={height - 6} text-anchor="end">
          {Math.round(to - from)} ms
        </text>
      </svg>
      <p class="legend muted">
        <span class="key completed" /> completed <span class="key retrying" /> failed, retried <span class="key failed" /> failed <span class="key running" /> running · ticks: history recorded before this page opened
      </p>
    </div>
  );
}
