/**
 * Recognises values that look like credentials, so a profile that inlines a token is refused before it is
 * ever sent to Vast (where env values are visible to anyone with the instance) or written to the journal.
 */

// Prefixes of tokens people paste into configs: Hugging Face, GitHub, OpenAI/Anthropic, Slack, AWS, GitLab, W&B-style
// hex.
const KNOWN = [
  /^hf_[A-Za-z0-9]{20,}$/,
  /^(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}$/,
  /^github_pat_[A-Za-z0-9_]{20,}$/,
  /^sk-[A-Za-z0-9_-]{16,}$/,
  /^xox[abprs]-[A-Za-z0-9-]{10,}$/,
  /^AKIA[0-9A-Z]{16}$/,
  /^glpat-[A-Za-z0-9_-]{16,}$/,
  /^[0-9a-f]{40}$/i,
];

/** Tokens embedded anywhere in a longer text (an onstart script, a command line). */
const EMBEDDED =
  /\b(hf_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|sk-[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|glpat-[A-Za-z0-9_-]{16,})\b/;

/** Names that announce a secret: a literal value under such a name is refused whatever it looks like. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** True when a value looks like a credential: a known token shape, or a long random-looking string. */
export function looksLikeToken(value: string): boolean {
  const v = value.trim();
  if (KNOWN.some((re) => re.test(v))) return true;
  // A long random-looking run: mixed case and digits (base62 keys), or 32+ lowercase letters and digits.
  // Word-like labels ("mosaic-gpt2-4x3090") have short runs, so they are not mistaken for keys.
  if (/\s/.test(v)) return false;
  for (const run of v.split(/[^A-Za-z0-9]+/)) {
    if (run.length >= 20 && /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run)) return true;
    if (run.length >= 32 && /[a-z]/i.test(run) && /\d/.test(run)) return true;
  }
  return false;
}

/** True when an env var name says its value is secret (HF_TOKEN, WANDB_API_KEY, ...). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when a longer text (script, command) contains something shaped like a known token. */
export function containsToken(text: string): boolean {
  return EMBEDDED.test(text);
}
