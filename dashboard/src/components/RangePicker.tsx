// Time range and bucket size pickers, kept in the URL (?range=24h&bucket=5m).
import { useSearchParams } from 'react-router-dom';
import type { Bucket } from '../api/types';
import { BUCKET_LABEL, RANGES, bucketCount, rangeInfo, type RangeKey } from '../lib/timeRange';

const MAX_BUCKETS = 2000;

export function useRangeParams(defaultRange: RangeKey): { range: RangeKey; bucket: Bucket } {
  const [params] = useSearchParams();
  const r = params.get('range');
  const range = (RANGES.some((x) => x.key === r) ? r : defaultRange) as RangeKey;
  const b = params.get('bucket');
  const info = rangeInfo(range);
  const bucket = (b && b in BUCKET_LABEL && bucketCount(info.ms, b as Bucket) <= MAX_BUCKETS ? b : info.bucket) as Bucket;
  return { range, bucket };
}

export function RangePicker({ range, bucket }: { range: RangeKey; bucket: Bucket }) {
  const [, setParams] = useSearchParams();
  const ms = rangeInfo(range).ms;
  return (
    <div className="filters" role="group" aria-label="Time range">
      <label>Range
        <select value={range} onChange={(e) => setParams({ range: e.target.value, bucket: rangeInfo(e.target.value as RangeKey).bucket })}>
          {RANGES.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
        </select>
      </label>
      <label>Bucket
        <select value={bucket} onChange={(e) => setParams({ range, bucket: e.target.value })}>
          {(Object.keys(BUCKET_LABEL) as Bucket[]).map((b) => (
            <option key={b} value={b} disabled={bucketCount(ms, b) > MAX_BUCKETS || bucketCount(ms, b) < 2}>{BUCKET_LABEL[b]}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
