import { deterministicGuid, hashString, Prng } from './random';
import { DAY_MS, startOfUtcDay, utcDate } from './time';

// Plausible, deterministic bank data: the same loginId and refresh time always give the same body,
// and a transaction on a given day stays the same across refreshes (only new days appear).

interface AccountTemplate {
  title: string;
  type: 'Chequing' | 'Savings' | 'CreditCard';
  category: 'Operations' | 'Credits';
  baseBalance: number;
}

const templates: readonly AccountTemplate[] = [
  { title: 'Chequing Account', type: 'Chequing', category: 'Operations', baseBalance: 5_100 },
  { title: 'Savings Account', type: 'Savings', category: 'Operations', baseBalance: 12_400 },
  { title: 'Flinks Visa', type: 'CreditCard', category: 'Credits', baseBalance: 640 },
];

const debitDescriptions = ['GROCERY STORE', 'COFFEE SHOP', 'HYDRO BILL', 'RENT', 'GAS STATION', 'RESTAURANT', 'ONLINE PURCHASE'];
const creditDescriptions = ['PAYROLL', 'E-TRANSFER RECEIVED', 'INTEREST'];

export interface AccountsQuery {
  withTransactions: boolean;
  withBalance: boolean;
  days: number;
  accountsFilter: string[] | null;
}

export interface SimTransaction {
  Date: string;
  Code: null;
  Description: string;
  Debit: number | null;
  Credit: number | null;
  Balance: number;
  Id: string;
}

interface GeneratedAccount {
  id: string;
  template: AccountTemplate;
  accountNumber: string;
  transitNumber: string;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function accountsOf(loginId: string): GeneratedAccount[] {
  const prng = new Prng(hashString(`accounts:${loginId}`));
  const count = prng.int(2, templates.length);
  return templates.slice(0, count).map((template) => ({
    id: deterministicGuid(prng),
    template,
    accountNumber: String(prng.int(1_000_000, 9_999_999)),
    transitNumber: String(prng.int(10_000, 99_999)),
  }));
}

function transactionsOf(loginId: string, account: GeneratedAccount, refreshedAt: number, days: number): SimTransaction[] {
  const lastDay = startOfUtcDay(refreshedAt) / DAY_MS;
  const raw: Omit<SimTransaction, 'Balance'>[] = [];
  for (let day = lastDay; day > lastDay - days; day -= 1) {
    const prng = new Prng(hashString(`tx:${loginId}:${account.id}:${day}`));
    const perDay = prng.int(0, 3) === 0 ? 1 : 0;
    for (let i = 0; i < perDay; i += 1) {
      const credit = prng.chance(0.2);
      const amount = round2(credit ? prng.int(200, 2_500) + prng.next() : prng.int(3, 180) + prng.next());
      raw.push({
        Date: utcDate(day * DAY_MS),
        Code: null,
        Description: credit ? prng.pick(creditDescriptions) : prng.pick(debitDescriptions),
        Debit: credit ? null : amount,
        Credit: credit ? amount : null,
        Id: deterministicGuid(prng),
      });
    }
  }
  // Newest first; balances walk back from today's balance.
  let balance = currentBalance(account, lastDay);
  return raw.map((tx) => {
    const withBalance = { ...tx, Balance: round2(balance) };
    balance = balance - (tx.Credit ?? 0) + (tx.Debit ?? 0);
    return withBalance;
  });
}

function currentBalance(account: GeneratedAccount, day: number): number {
  return round2(account.template.baseBalance + ((day * 37) % 500) + 0.5);
}

const holder = {
  Name: 'John Greatday',
  Address: {
    CivicAddress: '1000 Rue Sherbrooke O',
    City: 'Montreal',
    Province: 'QC',
    PostalCode: 'H3A 3G4',
    POBox: null,
    Country: 'CA',
  },
  Email: 'greatday@example.com',
  PhoneNumber: '514-555-0100',
};

function baseAccount(account: GeneratedAccount, refreshedAt: number, query: AccountsQuery): Record<string, unknown> {
  const balance = currentBalance(account, startOfUtcDay(refreshedAt) / DAY_MS);
  const credit = account.template.type === 'CreditCard';
  return {
    TransitNumber: account.transitNumber,
    InstitutionNumber: '777',
    OverdraftLimit: credit ? 0 : 100.5,
    Title: account.template.title,
    AccountNumber: account.accountNumber,
    LastFourDigits: credit ? account.accountNumber.slice(-4) : null,
    Balance: query.withBalance
      ? { Available: round2(credit ? 5_000 - balance : balance + 300), Current: balance, Limit: credit ? 5_000 : null }
      : null,
    Category: account.template.category,
    Type: account.template.type,
    Currency: 'CAD',
    Holder: holder,
    AccountType: 'Personal',
    Id: account.id,
  };
}

function selected(loginId: string, query: AccountsQuery): GeneratedAccount[] {
  const all = accountsOf(loginId);
  if (query.accountsFilter === null) return all;
  const wanted = new Set(query.accountsFilter.map((id) => id.toLowerCase()));
  return all.filter((account) => wanted.has(account.id.toLowerCase()));
}

/** `Accounts` of a GetAccountsDetail 200, as of the refresh at `refreshedAt`. */
export function detailAccounts(loginId: string, refreshedAt: number, query: AccountsQuery): Record<string, unknown>[] {
  return selected(loginId, query).map((account) => ({
    Transactions: query.withTransactions ? transactionsOf(loginId, account, refreshedAt, query.days) : [],
    ...baseAccount(account, refreshedAt, query),
  }));
}

/** `Accounts` of a GetAccountsSummary 200: no transactions, with the EFT eligibility ratios. */
export function summaryAccounts(loginId: string, refreshedAt: number, query: AccountsQuery): Record<string, unknown>[] {
  return selected(loginId, query).map((account) => {
    const prng = new Prng(hashString(`ratios:${account.id}`));
    return {
      ...baseAccount(account, refreshedAt, query),
      EftEligibleRatio: round2(prng.next()),
      ETransferEligibleRatio: round2(prng.next()),
    };
  });
}
