// Defence in depth for everything the client writes to logs and error messages: known secret values
// (secret key, x-api-key, every authorize token issued) are replaced, and long digit runs that could be
// account or card numbers are masked. GUIDs (loginIds, requestIds) are kept: operators need them.
const REDACTED = '[redacted]';
// 7+ digits (Canadian account numbers are 7-12) not inside a hex/GUID run, so GUID segments such as `-706795834567` stay intact.
const DIGIT_RUN = /(?<![0-9A-Fa-f-])\d{7,}(?![0-9A-Fa-f-])/g;
const MAX_TRACKED_TOKENS = 1_000;

export class Redactor {
  private readonly fixed: string[];
  // Tokens are single-use and short-lived; remembering the last thousand is plenty.
  private readonly tokens = new Set<string>();
  // Longest first, so a secret that contains another is replaced whole; rebuilt after each track().
  private ordered: string[] | null = null;

  constructor(secrets: readonly (string | undefined)[]) {
    this.fixed = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  track(token: string): void {
    if (token.length < 4) return;
    this.tokens.add(token);
    this.ordered = null;
    if (this.tokens.size > MAX_TRACKED_TOKENS) {
      const oldest = this.tokens.values().next();
      if (!oldest.done) this.tokens.delete(oldest.value);
    }
  }

  redact(text: string): string {
    let out = text;
    this.ordered ??= [...this.fixed, ...this.tokens].sort((a, b) => b.length - a.length);
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out.replace(DIGIT_RUN, (digits) => `[${digits.length} digits]`);
  }
}
