import { encodeJobCursor } from '../index.js';
import type { CheckedListQuery, JobPage, JobStatus, StoredJobSummary } from '../index.js';
import type { Redis } from 'ioredis';
import { jobKey, listPosition, parseListMember } from './keys.js';

const META_FIELDS = ['flowId', 'flow', 'status', 'createdAt', 'updatedAt'] as const;

/**
 * One page of `listJobs`, newest first: walks the most selective listing index (by status,
 * else by flow, else all jobs) backwards from the cursor's position in batches, reads each
 * job's summary from its meta hash and keeps those that match the other filter.
 */
export async function listPage(client: Redis, prefix: string, q: CheckedListQuery): Promise<JobPage> {
  const index = q.status !== undefined ? `${prefix}:idx:status:${q.status}` : q.flow !== undefined ? `${prefix}:idx:flow:${q.flow}` : `${prefix}:idx:all`;
  const wanted = q.limit + 1;
  const batch = Math.min(1000, wanted * 2);
  const found: Array<{ summary: StoredJobSummary; seq: number }> = [];
  let max = q.after === undefined ? '+' : `(${listPosition(q.after.createdAt, q.after.seq)}`;
  while (found.length < wanted) {
    const members = await client.zrevrangebylex(index, max, '-', 'LIMIT', 0, batch);
    if (members.length === 0) break;
    const pipeline = client.pipeline();
    for (const member of members) pipeline.hmget(`${jobKey(prefix, parseListMember(member).jobId)}:meta`, ...META_FIELDS);
    const metas = (await pipeline.exec()) ?? [];
    members.forEach((member, i) => {
      const [error, values] = metas[i] ?? [null, null];
      if (error !== null) throw error;
      if (found.length >= wanted) return;
      const [flowId, flow, status, createdAt, updatedAt] = values as Array<string | null>;
      if (status === null || status === undefined || (q.flow !== undefined && flow !== q.flow)) return;
      const { seq, jobId } = parseListMember(member);
      found.push({ seq, summary: { jobId, flowId: flowId ?? '', ...(flow !== null && flow !== undefined ? { flow } : {}), status: status as JobStatus, createdAt: createdAt ?? '', updatedAt: updatedAt ?? '' } });
    });
    if (members.length < batch) break;
    max = `(${members[members.length - 1]!}`;
  }
  const items = found.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map((f) => f.summary), nextCursor: found.length > q.limit && last !== undefined ? encodeJobCursor({ createdAt: last.summary.createdAt, seq: last.seq }) : null };
}
