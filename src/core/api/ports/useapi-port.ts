// The one useapi.net call the handlers make themselves (accounts test/import), in the shape of the
// client in src/core/useapi: a typed outcome, never an exception for an HTTP answer.
import type { AccountsResponse } from '../../../shared/useapi';

export type ListAccountsOutcome =
  { kind: 'ok'; value: AccountsResponse } | { kind: string; status?: number | null; message?: string };

export interface AccountsClient {
  listAccounts(): Promise<ListAccountsOutcome>;
}

export type CreateAccountsClient = (options: {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}) => AccountsClient;
