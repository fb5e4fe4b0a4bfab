import { type AccountsDetail } from '../schemas';
import { summarizeAccountsDetail, type AccountsDetailSummary } from '../summarize';
import { type DataSink } from './data-sink';

/**
 * Hands a full GetAccountsDetail body to the sink and returns only what may enter workflow history:
 * the summary and where the data went.
 */
export async function deliverAccountsDetail(
  sink: DataSink,
  body: AccountsDetail,
  options: { fetchedAt?: string; signal?: AbortSignal } = {},
): Promise<{ summary: AccountsDetailSummary; location: string }> {
  const summary = summarizeAccountsDetail(body);
  const { location } = await sink.write(
    {
      loginId: summary.loginId,
      requestId: summary.requestId,
      fetchedAt: options.fetchedAt ?? new Date().toISOString(),
      body,
    },
    options.signal === undefined ? {} : { signal: options.signal },
  );
  return { summary, location };
}
