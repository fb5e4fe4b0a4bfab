import { type AccountsDetail } from '../schemas';
import { summarizeAccountsDetail, summarizeAccountsDetailOf, type AccountsDetailSummary } from '../summarize';
import { type DataSink } from './data-sink';

/**
 * Hands a full GetAccountsDetail body to the sink and returns only what may enter workflow history:
 * the summary and where the data went. With `loginId` (the card the data was fetched for), data of another login
 * is refused before the sink sees it (RequestLoginMismatchError).
 */
export async function deliverAccountsDetail(
  sink: DataSink,
  body: AccountsDetail,
  options: { loginId?: string; fetchedAt?: string; signal?: AbortSignal } = {},
): Promise<{ summary: AccountsDetailSummary; location: string }> {
  const summary =
    options.loginId === undefined
      ? summarizeAccountsDetail(body)
      : summarizeAccountsDetailOf(options.loginId, body.RequestId, body);
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
